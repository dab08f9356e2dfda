namespace Grader.Assignments;

public enum MatchMode
{
    /// <summary>Same keys and values (after ignores); key order, whitespace and number format never matter.</summary>
    Exact,
    /// <summary>Like exact, but the actual body may carry extra object keys.</summary>
    Lenient,
}

/// <summary>An HTTP request a step sends. JSON bodies are kept as text so state stays plain JSON.</summary>
[GenerateSerializer, Immutable, Alias("grader.StepRequest")]
public sealed record StepRequest(
    [property: Id(0)] string Method,
    [property: Id(1)] string Path,
    [property: Id(2)] string? JsonBody = null,
    [property: Id(3)] IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>What a step expects back. An absent body means "not checked"; an empty string means "empty".</summary>
[GenerateSerializer, Immutable, Alias("grader.StepExpectation")]
public sealed record StepExpectation(
    [property: Id(0)] IReadOnlyList<int> Status,
    [property: Id(1)] string? JsonBody = null,
    [property: Id(2)] IReadOnlyList<string>? Ignore = null,
    [property: Id(3)] MatchMode Match = MatchMode.Exact);

[GenerateSerializer, Immutable, Alias("grader.ScenarioStep")]
public sealed record ScenarioStep(
    [property: Id(0)] StepRequest Request,
    [property: Id(1)] StepExpectation Expect,
    [property: Id(2)] decimal Points = 1);

/// <summary>A scenario: one or more steps run in order. Private ones run only for staff.</summary>
[GenerateSerializer, Immutable, Alias("grader.Scenario")]
public sealed record Scenario(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] bool IsPublic,
    [property: Id(3)] int Priority,
    [property: Id(4)] IReadOnlyList<ScenarioStep> Steps);
