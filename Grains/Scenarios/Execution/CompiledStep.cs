using System.Text.Json;
using Grader.Assignments;

namespace Grader.Scenarios.Execution;

/// <summary>A step with everything judging needs already compiled: the expected body and SQL rows (with
/// their ignore and unordered rules), header expectations without references, and the capture paths.
/// Built once per suite revision (<see cref="CompiledSuiteCache"/>); running a step parses nothing of it.</summary>
public sealed class CompiledStep
{
    private CompiledStep(ScenarioStep step)
    {
        Step = step;
    }

    public ScenarioStep Step { get; }

    /// <summary>Null when the body is not checked or must be empty (<see cref="StepExpectation.JsonBody"/> says which).</summary>
    public ExpectedBody? Body { get; private init; }

    /// <summary>Header expectations; a value with a reference is null here and compiled after filling.</summary>
    public IReadOnlyDictionary<string, ExpectedBody?> Headers { get; private init; } = new Dictionary<string, ExpectedBody?>();

    /// <summary>One pattern per capture; null for header captures.</summary>
    public IReadOnlyList<JsonPathPattern?> CapturePaths { get; private init; } = [];

    public IReadOnlyList<CompiledSqlCheck> SqlChecks { get; private init; } = [];

    public static CompiledStep Compile(ScenarioStep step)
    {
        var expect = step.Expect;
        var options = new MatchOptions(expect.Match, Patterns(expect.Ignore), Patterns(expect.Unordered), expect.Tolerance);
        return new CompiledStep(step)
        {
            Body = string.IsNullOrEmpty(expect.JsonBody) ? null : ExpectedBody.Parse(expect.JsonBody, options),
            Headers = (expect.Headers ?? new Dictionary<string, string>()).ToDictionary(h => h.Key,
                h => Variables.HasReference(h.Value) ? null : HeaderValue(h.Value)),
            CapturePaths = (step.Captures ?? []).Select(c => c.Header is null ? JsonPathPattern.Parse(c.JsonPath ?? "$") : null).ToList(),
            SqlChecks = (step.SqlChecks ?? []).Select(CompiledSqlCheck.Compile).ToList(),
        };
    }

    /// <summary>A header's expected text as a JSON string, so matchers apply to headers too.</summary>
    public static ExpectedBody HeaderValue(string text) => ExpectedBody.From(JsonSerializer.SerializeToElement(text));

    public static List<JsonPathPattern>? Patterns(IReadOnlyList<string>? paths) => paths?.Select(JsonPathPattern.Parse).ToList();
}

/// <summary>A SQL check whose expected rows are compiled; its parameters are filled when it runs.</summary>
public sealed record CompiledSqlCheck(SqlCheck Check, ExpectedBody Rows)
{
    public static CompiledSqlCheck Compile(SqlCheck check) =>
        new(check, ExpectedBody.Parse(check.ExpectedRows,
            new MatchOptions(check.Match, CompiledStep.Patterns(check.Ignore), check.Unordered ? [JsonPathPattern.Parse("$")] : null)));
}
