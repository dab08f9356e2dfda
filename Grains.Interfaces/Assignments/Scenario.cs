namespace Grader.Assignments;

public enum MatchMode
{
    /// <summary>Same keys and values (after ignores); key order, whitespace and number format never matter.</summary>
    Exact,
    /// <summary>Like exact, but the actual body may carry extra object keys.</summary>
    Lenient,
    /// <summary>Like exact, and the JSON text must also be the same once keys are sorted: numbers must be
    /// written the same way (1 and 1.0 differ), as the reference system compared.</summary>
    Text,
}

/// <summary>A scenario: setup steps, scored steps and teardown steps, run in that order with one set of
/// captured variables. Setup and teardown are never scored. Private ones run only for staff.</summary>
[GenerateSerializer, Immutable, Alias("grader.Scenario")]
public sealed record Scenario(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] bool IsPublic,
    [property: Id(3)] int Priority,
    [property: Id(4)] IReadOnlyList<ScenarioStep> Steps,
    [property: Id(5)] IReadOnlyList<ScenarioStep>? Setup = null,
    [property: Id(6)] IReadOnlyList<ScenarioStep>? Teardown = null)
{
    /// <summary>What the scenario is worth: the sum of its scored steps.</summary>
    public decimal Points => Steps.Sum(s => s.Points);

    public Visibility Visibility => IsPublic ? Visibility.Public : Visibility.Private;
}

public enum Visibility
{
    Public,
    Private,
}
