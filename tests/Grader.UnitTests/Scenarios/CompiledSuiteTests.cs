using Grader.Scenarios.Execution;
using Grader.Scenarios.Suites;

namespace Grader.UnitTests.Scenarios;

/// <summary>A suite is compiled once per revision, and judging parses nothing of it.</summary>
/// <remarks>Not run beside other tests: <see cref="ExpectedBody.Parses"/> counts for the whole process, so
/// a test parsing a suite in parallel would move the count between the two reads.</remarks>
[Collection(ParseCountCollection.Name)]
public class CompiledSuiteTests
{
    private static Scenario Parse(string body) => SuiteParser.Parse($$"""
        version: 1
        scenarios:
          - id: one
            title: One
            steps:
              - request: { method: GET, path: /a }
                expect: { status: 200, body: {{body}}, ignore: [$..at] }
                capture: { id: $.id }
        """).Scenarios.Single();

    private static StepResponse Response(string body) => new(200, new Dictionary<string, string>(), body);

    [Fact]
    public void SameContentIsCompiledOnceEvenAsAnotherInstance()
    {
        var cache = new CompiledSuiteCache();

        var first = cache.Get(Parse("""{ id: "#integer", name: x }"""));
        var second = cache.Get(Parse("""{ id: "#integer", name: x }"""));

        Assert.Same(first, second);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void ChangedContentIsCompiledAnew()
    {
        var cache = new CompiledSuiteCache();

        var first = cache.Get(Parse("""{ name: x }"""));
        var second = cache.Get(Parse("""{ name: y }"""));

        Assert.NotSame(first, second);
        Assert.Empty(ResponseJudge.Judge(second.Steps[0], new Dictionary<string, JsonElement>(), Response("""{"name":"y"}"""), CancellationToken.None));
    }

    [Fact]
    public void JudgingACompiledStepParsesNoExpectedText()
    {
        var step = new CompiledSuiteCache().Get(Parse("""{ id: "{{id}}", name: "item {{id}}", at: "#datetime" }""")).Steps[0];
        var values = new Dictionary<string, JsonElement> { ["id"] = JsonSerializer.SerializeToElement(7) };

        var before = ExpectedBody.Parses;
        var mismatches = ResponseJudge.Judge(step, values, Response("""{"id":7,"name":"item 8","at":"never"}"""), CancellationToken.None);

        Assert.Equal([("$.name", "value mismatch")], mismatches.Select(m => (m.Path, m.Reason)));
        Assert.Equal(before, ExpectedBody.Parses);
    }

    [Fact]
    public void WholeReferenceKeepsTheCapturedType()
    {
        var step = new CompiledSuiteCache().Get(Parse("""{ id: "{{id}}" }""")).Steps[0];
        var values = new Dictionary<string, JsonElement> { ["id"] = JsonSerializer.SerializeToElement(7) };

        var mismatch = Assert.Single(ResponseJudge.Judge(step, values, Response("""{"id":"7"}"""), CancellationToken.None));

        Assert.Equal(("$.id", "type mismatch: expected number, got string"), (mismatch.Path, mismatch.Reason));
    }

    [Fact]
    public void EveryMatcherIsOneRowOfTheVocabulary()
    {
        Assert.Equal(JsonMatcher.MatcherNames.Order(StringComparer.Ordinal), MatcherVocabulary.All.Select(k => k.Name).Order(StringComparer.Ordinal));
        Assert.All(MatcherVocabulary.All, k => Assert.Contains($"#{k.Name}", SuiteSchema.Json));
        Assert.All(MatcherVocabulary.All, k => Assert.Contains(k.Schema, SuiteSchema.Json));
        Assert.Equal(["regex"], MatcherVocabulary.All.Where(k => k.TakesArgument).Select(k => k.Name));
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ParseCountCollection
{
    public const string Name = "parse count";
}
