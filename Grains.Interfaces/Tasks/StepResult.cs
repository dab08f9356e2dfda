namespace Grader.Tasks;

public enum StepOutcome
{
    Passed,
    /// <summary>The app answered, but not what was expected.</summary>
    Failed,
    Timeout,
    /// <summary>Connection refused or reset, invalid JSON, and the like.</summary>
    Error,
    /// <summary>Needed a value from an earlier step that failed.</summary>
    Blocked,
}

/// <summary>One difference between expected and actual, located by JSONPath.</summary>
[GenerateSerializer, Immutable, Alias("grader.Mismatch")]
public sealed record Mismatch(
    [property: Id(0)] string Path,
    [property: Id(1)] string Reason,
    [property: Id(2)] string? Expected,
    [property: Id(3)] string? Actual);

/// <summary>The verdict of one step of one scenario in one attempt; keyed by (attempt, scenario, step).</summary>
[GenerateSerializer, Immutable, Alias("grader.StepResult")]
public sealed record StepResult(
    [property: Id(0)] int Attempt,
    [property: Id(1)] string ScenarioId,
    [property: Id(2)] int StepIndex,
    [property: Id(3)] string Title,
    [property: Id(4)] bool IsPrivate,
    [property: Id(5)] StepOutcome Outcome,
    [property: Id(6)] decimal Points,
    [property: Id(7)] decimal MaxPoints,
    [property: Id(8)] string Request,
    [property: Id(9)] int? StatusCode,
    [property: Id(10)] string? ResponseBody,
    [property: Id(11)] IReadOnlyList<Mismatch> Mismatches,
    [property: Id(12)] string? Message,
    [property: Id(13)] double DurationMs,
    [property: Id(14)] DateTimeOffset ReportedAt)
{
    public bool SameStepAs(StepResult other) =>
        Attempt == other.Attempt && ScenarioId == other.ScenarioId && StepIndex == other.StepIndex;
}
