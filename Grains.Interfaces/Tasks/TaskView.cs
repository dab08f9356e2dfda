namespace Grader.Tasks;

/// <summary>A phase change the student sees live: pulling, database, starting, probing, testing.
/// <paramref name="Detail"/> is in words a student may read; <paramref name="StaffDetail"/> holds what only
/// staff may see (exception text, host names), and redaction removes it.</summary>
[GenerateSerializer, Immutable, Alias("grader.PhaseEvent")]
public sealed record PhaseEvent(
    [property: Id(0)] int Attempt,
    [property: Id(1)] string Phase,
    [property: Id(2)] string? Detail,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string? StaffDetail = null);

/// <summary>Everything known about one task. Private step details are still in here: callers that
/// show a student this view must redact it first (see <see cref="TaskViewRedaction"/>).</summary>
[GenerateSerializer, Immutable, Alias("grader.TaskView")]
public sealed record TaskView(
    [property: Id(0)] Guid Id,
    [property: Id(1)] TaskSpec Spec,
    [property: Id(2)] GradingStatus Status,
    [property: Id(3)] int Attempt,
    [property: Id(4)] string? Host,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset? StartedAt,
    [property: Id(7)] DateTimeOffset? FinishedAt,
    [property: Id(8)] string? Message,
    [property: Id(9)] AttemptEnd? End,
    [property: Id(10)] IReadOnlyList<StepResult> Steps,
    [property: Id(11)] IReadOnlyList<PhaseEvent> Phases,
    [property: Id(12)] string? ContainerLogs,
    [property: Id(13)] long? ExitCode,
    [property: Id(14)] bool OomKilled,
    [property: Id(15)] decimal Score,
    [property: Id(16)] decimal MaxScore,
    [property: Id(17)] string? ImageDigest,
    [property: Id(18)] string? StaffMessage = null);

public static class TaskViewRedaction
{
    /// <summary>What a student may see: a private step keeps its verdict and points, nothing else. The
    /// container's logs go too when private steps ran: an app that logs its requests would reveal them.
    /// The staff-only detail of infrastructure events goes as well: the student keeps the plain words.</summary>
    public static TaskView ForStudent(this TaskView view) => view with
    {
        StaffMessage = null,
        Phases = view.Phases.Any(p => p.StaffDetail is not null)
            ? view.Phases.Select(p => p with { StaffDetail = null }).ToList()
            : view.Phases,
        ContainerLogs = view.Steps.Any(s => s.IsPrivate) ? null : view.ContainerLogs,
        Steps = view.Steps.Select(s => s.IsPrivate
            ? s with
            {
                Request = "(private)",
                ResponseBody = null,
                Mismatches = new List<Mismatch>(),
                Message = null,
                StatusCode = null,
                Curl = null,
                Captures = null,
            }
            : s).ToList(),
    };
}
