using Grader.Scenarios.Import;
using Grader.Scenarios.Suites;

namespace Grader.UnitTests.Scenarios.Import;

public class ReferenceRowImporterTests
{
    private const string Rows = """
        [
          {"id": 7, "url": "/v1/items", "method": "post", "body": {"name": "New"}, "status_code": 201,
           "response": {"id": 101, "name": "New", "created_at": "2024-01-01"}, "ignored_properties": ["created_at", "odd key"],
           "priority": 3, "is_public": false},
          {"url": "v1/hello", "method": "GET", "body": null, "status_code": 200, "response": "{\"greeting\": \"#1 Arthur\", \"list\": [{\"tag\": \"#x\"}]}",
           "ignored_properties": "", "priority": 9, "is_public": true}
        ]
        """;

    [Fact]
    public void EachRowBecomesAOneStepScenarioWithTheMappedFields()
    {
        var import = ReferenceRowImporter.FromJson(Rows);

        Assert.Empty(import.Errors);
        var create = import.Scenarios[0];
        Assert.Equal(("row-7", "POST /v1/items", false, 3), (create.Id, create.Title, create.IsPublic, create.Priority));
        var step = Assert.Single(create.Steps);
        Assert.Equal(("POST", "/v1/items", """{"name":"New"}"""), (step.Request.Method, step.Request.Path, step.Request.JsonBody));
        Assert.Equal([201], step.Expect.Status);
        Assert.Equal("""{"id":101,"name":"New","created_at":"2024-01-01"}""", step.Expect.JsonBody);
        Assert.Equal(["$.created_at", "$['odd key']"], step.Expect.Ignore!);
        Assert.Equal(Grader.Assignments.MatchMode.Exact, step.Expect.Match);
        Assert.Equal(1m, step.Points);

        var hello = import.Scenarios[1];
        Assert.Equal(("row-2", "/v1/hello", true, 9), (hello.Id, hello.Steps[0].Request.Path, hello.IsPublic, hello.Priority));
        Assert.Null(hello.Steps[0].Request.JsonBody);
        Assert.Null(hello.Steps[0].Expect.Ignore);
    }

    [Fact]
    public void LiteralHashTextStaysLiteralInsteadOfBecomingAMatcher()
    {
        var hello = ReferenceRowImporter.FromJson(Rows).Scenarios[1];

        Assert.Equal("""{"greeting":"\\#1 Arthur","list":[{"tag":"\\#x"}]}""", hello.Steps[0].Expect.JsonBody);
        Assert.Empty(JsonMatcher.Match(hello.Steps[0].Expect.JsonBody!, """{"greeting":"#1 Arthur","list":[{"tag":"#x"}]}"""));
    }

    [Fact]
    public void DjangoDumpdataFormIsAccepted()
    {
        var import = ReferenceRowImporter.FromJson("""
            [{"model": "tester.scenario", "pk": 12, "fields": {"assignment": 1, "url": "/v1/items/9999", "method": "GET",
              "body": null, "status_code": 404, "response": null, "ignored_properties": [], "priority": 0, "is_public": false}}]
            """);

        Assert.Empty(import.Errors);
        var scenario = Assert.Single(import.Scenarios);
        Assert.Equal(("row-12", false), (scenario.Id, scenario.IsPublic));
        Assert.Equal([404], scenario.Steps[0].Expect.Status);
        Assert.Null(scenario.Steps[0].Expect.JsonBody);
    }

    [Fact]
    public void ProblemsAreListedPerRow()
    {
        var import = ReferenceRowImporter.FromJson("""
            [{"id": 1, "method": "GET"}, {"id": 2, "url": "/a", "status_code": "abc", "colour": "red", "body": "{not json"}, 5]
            """);

        Assert.Equal([
            "row 1 (pk 1): 'url' is required",
            "row 2 (pk 2): unknown field 'colour'",
            "row 2 (pk 2): 'status_code' must be a whole number",
            "row 3: must be an object",
        ], import.Errors);
        Assert.Equal(["row 2 (pk 2): 'body' is text that is not JSON; it is taken as the JSON string \"{not json\""], import.Notes!);
    }

    [Fact]
    public void ImportedScenariosWriteAValidSuite()
    {
        var scenarios = ReferenceRowImporter.FromJson(Rows).Scenarios;

        var suite = SuiteParser.Parse(SuiteWriter.Write(scenarios));

        Assert.Empty(suite.Errors);
        Assert.Equal(JsonSerializer.Serialize(scenarios), JsonSerializer.Serialize(suite.Scenarios));
    }

    [Fact]
    public void TextThatIsNotAnArrayIsRejected()
    {
        Assert.Equal(["the export must be a JSON array of scenario rows"], ReferenceRowImporter.FromJson("""{"url": "/"}""").Errors);
        Assert.StartsWith("the export is not valid JSON", Assert.Single(ReferenceRowImporter.FromJson("[").Errors));
    }
}
