namespace Grader.Assignments;

public enum DatabaseMode
{
    /// <summary>The app gets no database login.</summary>
    None,
    /// <summary>A temporary role may read the reference database's listed schemas.</summary>
    Readonly,
    /// <summary>A fresh database is cloned from the template and owned by the temporary role.</summary>
    Isolated,
}

[GenerateSerializer, Immutable, Alias("grader.ResourceLimits")]
public sealed record ResourceLimits(
    [property: Id(0)] int MemoryMb = 512,
    [property: Id(1)] double Cpus = 1.0,
    [property: Id(2)] int Pids = 256);

/// <summary>One assignment: how to run a submission and what to ask it.</summary>
/// <param name="Database">The reference database (readonly) or the template (isolated).</param>
/// <param name="Environment">Extra variables for the container, e.g. NAME.</param>
/// <param name="SupersedePending">A student's newer submission replaces their unfinished older one.</param>
/// <param name="GradeRule">Which of a student's submissions is their grade (see <see cref="GradeChoice"/>).</param>
/// <param name="Description">What students read on the assignment page, as Markdown (raw HTML is not rendered).</param>
/// <param name="Archived">Hidden from students: no longer listed, and its page is gone for them.</param>
/// <param name="ReleaseHiddenAfterClose">Once the close time has passed, students see the results of private scenarios
/// in their tasks (an evaluation's, say); before it, or when off, those stay a count.</param>
[GenerateSerializer, Immutable, Alias("grader.AssignmentDefinition")]
public sealed record AssignmentDefinition(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] DatabaseMode DatabaseMode,
    [property: Id(3)] string? Database,
    [property: Id(4)] IReadOnlyList<string> Schemas,
    [property: Id(5)] IReadOnlyDictionary<string, string> Environment,
    [property: Id(6)] int Port,
    [property: Id(7)] string? HealthPath,
    [property: Id(8)] int StartupTimeoutSeconds,
    [property: Id(9)] int RequestTimeoutSeconds,
    [property: Id(10)] ResourceLimits Limits,
    [property: Id(11)] IReadOnlyList<Scenario> Scenarios,
    [property: Id(12)] DateTimeOffset? OpensAt = null,
    [property: Id(13)] DateTimeOffset? ClosesAt = null,
    [property: Id(14)] bool SupersedePending = false,
    [property: Id(15)] GradeRule GradeRule = GradeRule.Latest,
    [property: Id(16)] string? Description = null,
    [property: Id(17)] bool Archived = false,
    [property: Id(18)] bool ReleaseHiddenAfterClose = false)
{
    public const int DefaultPort = 8000;

    /// <summary>Whether students may submit now; staff always may.</summary>
    public bool AcceptsSubmissionsAt(DateTimeOffset now) => (OpensAt is null || now >= OpensAt) && (ClosesAt is null || now < ClosesAt);

    /// <summary>Why a student may not submit now, or null if they may.</summary>
    public string? ClosedReason(DateTimeOffset now) =>
        OpensAt is { } opens && now < opens ? $"Submissions for '{Id}' open at {opens:yyyy-MM-dd HH:mm} UTC."
        : ClosesAt is { } closes && now >= closes ? $"Submissions for '{Id}' closed at {closes:yyyy-MM-dd HH:mm} UTC."
        : null;

    /// <summary>Whether students may now see the results of private scenarios: only once the assignment has
    /// closed, and only if staff chose to release them.</summary>
    public bool ReleasesHiddenResultsAt(DateTimeOffset now) => ReleaseHiddenAfterClose && ClosesAt is { } closes && now >= closes;

    /// <summary>The scenarios a run executes, highest priority first (ties keep the suite's order).</summary>
    public IEnumerable<Scenario> ScenariosFor(bool includePrivate) =>
        Scenarios.Where(s => includePrivate || s.IsPublic)
                 .Select((s, i) => (s, i))
                 .OrderByDescending(x => x.s.Priority).ThenBy(x => x.i)
                 .Select(x => x.s);
}
