using Grader.Scenarios.Suites;

namespace Grader.UnitTests.Scenarios.Suites;

/// <summary>The published schema must describe exactly the keys the parser reads, or editors would
/// suggest keys the grader rejects (or miss ones it accepts).</summary>
public class SuiteSchemaTests
{
    private static readonly JsonElement Defs = JsonDocument.Parse(SuiteSchema.Json).RootElement.GetProperty("$defs");

    public static TheoryData<string, string[]> Shapes() => new()
    {
        { "#", SuiteParser.SuiteKeys },
        { "scenario", SuiteParser.ScenarioKeys },
        { "step", StepParser.StepKeys },
        { "request", StepParser.RequestKeys },
        { "expect", StepParser.ExpectKeys },
        { "retry", CaptureParser.RetryKeys },
        { "sqlCheck", SqlCheckParser.Keys },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SchemaListsTheKeysTheParserReads(string definition, string[] keys)
    {
        var shape = definition == "#" ? JsonDocument.Parse(SuiteSchema.Json).RootElement : Defs.GetProperty(definition);

        Assert.Equal(keys.Order(), shape.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
        Assert.False(shape.GetProperty("additionalProperties").GetBoolean());
    }

    [Fact]
    public void SchemaKnowsEveryMatcher()
    {
        var description = JsonDocument.Parse(SuiteSchema.Json).RootElement.GetProperty("description").GetString()!;

        Assert.All(Grader.Scenarios.JsonMatcher.MatcherNames, name => Assert.Contains("#" + name, description));
    }
}
