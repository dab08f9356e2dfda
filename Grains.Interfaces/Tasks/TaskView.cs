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
    [property: Id(18)] HiddenScenarios? Hidden = null,
    [property: Id(19)] string? StaffMessage = null);

/// <summary>What a student learns of the private scenarios that ran: how many, and their points.</summary>
[GenerateSerializer, Immutable, Alias("grader.HiddenScenarios")]
public sealed record HiddenScenarios(
    [property: Id(0)] int Count,
    [property: Id(1)] decimal Points,
    [property: Id(2)] decimal MaxPoints);

public static class TaskViewRedaction
{
    /// <summary>What a student may see: no private scenario but its count, and plain words for our own
    /// faults (the staff-only detail of infrastructure events goes).</summary>
    public static TaskView ForStudent(this TaskView view) => view.WithoutPrivateScenarios().WithoutStaffDetail();

    /// <summary>What a student may see of a task of <paramref name="assignment"/> at <paramref name="now"/>: all of
    /// its scenarios once the assignment has closed and staff released hidden results, else as <see cref="ForStudent(TaskView)"/>.</summary>
    public static TaskView ForStudent(this TaskView view, Assignments.AssignmentDefinition? assignment, DateTimeOffset now) =>
        assignment?.ReleasesHiddenResultsAt(now) == true ? view.WithoutStaffDetail() : view.ForStudent();

    /// <summary>Exception text, hosts and addresses of infrastructure events are for staff only.</summary>
    public static TaskView WithoutStaffDetail(this TaskView view) =>
        view.StaffMessage is null && view.Phases.All(p => p.StaffDetail is null)
            ? view
            : view with
            {
                StaffMessage = null,
                Phases = view.Phases.Select(p => p with { StaffDetail = null }).ToList(),
            };

    /// <summary>Private scenarios appear only as a count with their points: no id, title, request, body,
    /// mismatch or message of theirs is kept. The container's logs go too when private steps ran: an app
    /// that logs its requests would reveal them.</summary>
    public static TaskView WithoutPrivateScenarios(this TaskView view)
    {
        var hidden = view.Steps.Where(s => s.IsPrivate).ToList();
        if (hidden.Count == 0)
        {
            return view;
        }

        var scored = hidden.Where(s => s.Kind == StepKind.Step).ToList();
        return view with
        {
            ContainerLogs = null,
            Steps = view.Steps.Where(s => !s.IsPrivate).ToList(),
            Hidden = new HiddenScenarios(hidden.Select(s => s.ScenarioId).Distinct(StringComparer.Ordinal).Count(),
                scored.Sum(s => s.Points), scored.Sum(s => s.MaxPoints)),
        };
    }
}
