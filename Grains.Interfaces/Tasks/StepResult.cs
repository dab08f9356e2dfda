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

/// <summary>Setup and teardown steps run like any other but are never scored.</summary>
public enum StepKind
{
    Step,
    Setup,
    Teardown,
}

/// <summary>One difference between expected and actual, located by JSONPath (or <c>status</c>,
/// <c>headers.Name</c>, <c>sql[n] $…</c>). Values are shown as JSON text; the types use JSON's
/// vocabulary (object, array, string, number, boolean, null, missing) or what a matcher asks for.
/// <see cref="ActualPath"/> is set where the actual body's location differs (an aligned or extra array item).</summary>
[GenerateSerializer, Immutable, Alias("grader.Mismatch")]
public sealed record Mismatch(
    [property: Id(0)] string Path,
    [property: Id(1)] string Reason,
    [property: Id(2)] string? Expected,
    [property: Id(3)] string? Actual,
    [property: Id(4)] string? ExpectedType = null,
    [property: Id(5)] string? ActualType = null,
    [property: Id(6)] string? ActualPath = null)
{
    /// <summary>One line for logs and plain-text reports: where, why, expected and actual with types.</summary>
    public override string ToString()
    {
        var expected = Expected is null && ExpectedType is null ? "" : $"; expected {Expected ?? "(nothing)"}{(ExpectedType is null ? "" : $" ({ExpectedType})")}";
        var actual = Actual is null && ActualType is null ? "" : $", got {Actual ?? "(nothing)"}{(ActualType is null ? "" : $" ({ActualType})")}";
        return $"{Path}: {Reason}{expected}{actual}";
    }
}

/// <summary>The verdict of one step of one scenario in one attempt; keyed by (attempt, scenario, kind, step).</summary>
/// <param name="Request">The request line, e.g. <c>POST /v1/items</c>, with variables filled in.</param>
/// <param name="Curl">The request as a curl command a student can paste, against localhost.</param>
/// <param name="Captures">Variables this step captured, as JSON text.</param>
/// <param name="RequestHeaders">The headers the step sent, one <c>Name: value</c> a line (Content-Type included).</param>
/// <param name="RequestBody">The body the step sent, variables filled in.</param>
/// <param name="ExpectedBody">The expected body with its matchers (kept for steps that did not pass), for the side-by-side diff.</param>
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
    [property: Id(14)] DateTimeOffset ReportedAt,
    [property: Id(15)] StepKind Kind = StepKind.Step,
    [property: Id(16)] string? Curl = null,
    [property: Id(17)] IReadOnlyDictionary<string, string>? Captures = null,
    [property: Id(18)] string? RequestHeaders = null,
    [property: Id(19)] string? RequestBody = null,
    [property: Id(20)] string? ExpectedBody = null)
{
    public bool SameStepAs(StepResult other) =>
        Attempt == other.Attempt && ScenarioId == other.ScenarioId && Kind == other.Kind && StepIndex == other.StepIndex;
}
