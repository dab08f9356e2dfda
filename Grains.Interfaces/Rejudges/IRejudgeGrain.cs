namespace Grader.Rejudges;

/// <summary>Which students a rejudge re-runs: every student with a grade, those of one evaluation, or
/// those whose chosen task scored below full marks.</summary>
public enum RejudgeScope
{
    Assignment,
    Evaluation,
    BelowFull,
}

public enum RejudgeDecision
{
    /// <summary>Running or waiting for staff: the new results do not count.</summary>
    Pending,
    /// <summary>The new results replaced the old ones in the gradebook.</summary>
    Applied,
    /// <summary>Every grade stays as it was.</summary>
    Discarded,
}

/// <summary>A student's task the gradebook chose, to be run again.</summary>
[GenerateSerializer, Immutable, Alias("grader.RejudgeTarget")]
public sealed record RejudgeTarget(
    [property: Id(0)] string UserId,
    [property: Id(1)] Guid TaskId);

[GenerateSerializer, Immutable, Alias("grader.RejudgeRequest")]
public sealed record RejudgeRequest(
    [property: Id(0)] string AssignmentId,
    [property: Id(1)] string RequestedBy,
    [property: Id(2)] RejudgeScope Scope,
    [property: Id(3)] Guid? EvaluationId,
    [property: Id(4)] IReadOnlyList<RejudgeTarget> Targets);

/// <summary>One student of a rejudge: the task that was their grade and its re-run.</summary>
[GenerateSerializer, Immutable, Alias("grader.RejudgeEntry")]
public sealed record RejudgeEntry(
    [property: Id(0)] string UserId,
    [property: Id(1)] Guid OldTaskId,
    [property: Id(2)] Guid NewTaskId);

/// <summary>One rejudge and its history: who started it, when, against which suite, and what became of it.</summary>
/// <param name="SuiteVersion">A short hash of the suite the re-runs ran against.</param>
[GenerateSerializer, Immutable, Alias("grader.RejudgeView")]
public sealed record RejudgeView(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string AssignmentId,
    [property: Id(2)] string CreatedBy,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] RejudgeScope Scope,
    [property: Id(5)] Guid? EvaluationId,
    [property: Id(6)] string SuiteVersion,
    [property: Id(7)] IReadOnlyList<RejudgeEntry> Entries,
    [property: Id(8)] RejudgeDecision Decision,
    [property: Id(9)] string? DecidedBy,
    [property: Id(10)] DateTimeOffset? DecidedAt);

/// <summary>The rejudge with old against new per student (see <see cref="RejudgeComparison"/>).</summary>
[GenerateSerializer, Immutable, Alias("grader.RejudgePreview")]
public sealed record RejudgePreview(
    [property: Id(0)] RejudgeView Rejudge,
    [property: Id(1)] IReadOnlyList<RejudgeRow> Rows)
{
    public int Finished => Rows.Count(r => r.Finished);

    public int Changed => Rows.Count(r => r.Changed);

    public bool AllFinished => Rows.All(r => r.Finished);
}

/// <summary>The outcome of Apply or Discard: the rejudge as it now is, or why nothing changed.</summary>
[GenerateSerializer, Immutable, Alias("grader.RejudgeDecisionResult")]
public sealed record RejudgeDecisionResult(
    [property: Id(0)] RejudgePreview? Preview,
    [property: Id(1)] string? Refusal = null);

/// <summary>One rejudge (key: its id). It re-runs each chosen task at batch priority, shows old against new,
/// and on Apply makes the new results count; on Discard every grade stays as it was. It is kept as history.</summary>
[Alias("grader.IRejudgeGrain")]
public interface IRejudgeGrain : IGrainWithGuidKey
{
    /// <summary>Creates one staff re-run per target (same image, same scenarios as the old task); calling it
    /// again returns the existing rejudge and finishes an interrupted start.</summary>
    [Alias("Start")]
    Task<RejudgeView> StartAsync(RejudgeRequest request);

    [Alias("Get")]
    Task<RejudgeView?> GetAsync();

    [Alias("Preview")]
    Task<RejudgePreview?> PreviewAsync();

    /// <summary>Refused while a re-run is unfinished or once decided.</summary>
    [Alias("Apply")]
    Task<RejudgeDecisionResult> ApplyAsync(string requestedBy);

    /// <summary>Cancels unfinished re-runs; refused once decided.</summary>
    [Alias("Discard")]
    Task<RejudgeDecisionResult> DiscardAsync(string requestedBy);
}
