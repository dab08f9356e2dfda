using Grader.Scenarios.Execution;
using Grader.Scenarios.Import;

namespace Grader.UnitTests.Scenarios.Import;

/// <summary>A real <c>dumpdata</c> export of the reference system: the "assigment" spelling, timestamps,
/// rows of other models, a string response and a NULL priority.</summary>
public class DumpdataImportTests
{
    private static readonly string Export = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Scenarios", "Import", "dumpdata-scenarios.json"));

    private static StepResponse Answer(int status, string body) => new(status, new Dictionary<string, string>(), body);

    [Fact]
    public void ScenarioRowsAreImportedAndOtherModelsAreSkippedAndCounted()
    {
        var import = ReferenceRowImporter.FromJson(Export);

        Assert.Empty(import.Errors);
        Assert.Equal(["row-11", "row-12", "row-13", "row-14"], import.Scenarios.Select(s => s.Id));
        Assert.Equal(new Dictionary<string, int> { ["tester.assignment"] = 1, ["tester.task"] = 2 }, import.SkippedRows);
    }

    [Fact]
    public void RunOrderIsTheReferencesOrderWithNullPriorityFirst()
    {
        var import = ReferenceRowImporter.FromJson(Export);
        var assignment = new AssignmentDefinition("a", "A", DatabaseMode.None, null, [], new Dictionary<string, string>(), 8000, null, 30, 10,
            new ResourceLimits(), import.Scenarios);

        // PostgreSQL: ORDER BY priority DESC puts NULL first; equal priorities keep the export's order.
        Assert.Equal(["row-12", "row-11", "row-14", "row-13"], assignment.ScenariosFor(includePrivate: true).Select(s => s.Id));
        Assert.Contains(import.Notes!, n => n.StartsWith("row 3 (pk 12): priority is NULL", StringComparison.Ordinal));
    }

    [Fact]
    public void AStringResponseIsAJsonStringAsInTheReference()
    {
        var hello = ReferenceRowImporter.FromJson(Export).Scenarios.Single(s => s.Id == "row-12").Steps[0];

        Assert.Equal("\"Hello\"", hello.Expect.JsonBody);
        Assert.Empty(Judge(hello, Answer(200, "\"Hello\"")));
        Assert.NotEmpty(Judge(hello, Answer(200, "\"Hi\"")));
    }

    [Fact]
    public void AnIgnoredKeyInTheExpectedBodyIsFlaggedAsADeliberateDifference()
    {
        var import = ReferenceRowImporter.FromJson(Export);
        var health = import.Scenarios.Single(s => s.Id == "row-11").Steps[0];

        // The reference removed "database" from the actual body only, so this row always failed there.
        Assert.Contains(import.Notes!, n => n.StartsWith("row 2 (pk 11): the expected body holds the ignored key 'database'", StringComparison.Ordinal));
        Assert.Empty(Judge(health, Answer(200, """{"status":"OK","database":"other"}""")));
    }

    [Fact]
    public void ExactTextIsAnOptInThatTellsNumberFormatsApart()
    {
        const string actual = """{"id": 3, "name": "New", "price": 1, "created_at": "2025-01-01"}""";
        var byValue = ReferenceRowImporter.FromJson(Export).Scenarios.Single(s => s.Id == "row-13").Steps[0];
        var asText = ReferenceRowImporter.FromJson(Export, exactText: true).Scenarios.Single(s => s.Id == "row-13").Steps[0];

        Assert.Empty(Judge(byValue, Answer(201, actual)));
        var mismatch = Assert.Single(Judge(asText, Answer(201, actual)));
        Assert.Equal(("$.price", "1.0", "1"), (mismatch.Path, mismatch.Expected, mismatch.Actual));
    }

    [Fact]
    public void TheReportLeadsTheConvertedSuiteAsComments()
    {
        var comments = ReferenceImportReport.Comments(ReferenceRowImporter.FromJson(Export));

        Assert.StartsWith("# skipped 3 rows of other models: tester.assignment (1), tester.task (2)\n", comments);
        Assert.All(comments.TrimEnd('\n').Split('\n'), line => Assert.StartsWith("# ", line));
    }

    private static List<Grader.Tasks.Mismatch> Judge(ScenarioStep step, StepResponse answer) =>
        ResponseJudge.Judge(CompiledStep.Compile(step), new Dictionary<string, System.Text.Json.JsonElement>(), answer, CancellationToken.None);
}
