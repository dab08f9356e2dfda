using Grader.Assignments;

namespace Grader.Tasks;

/// <summary>What a runner receives when it claims a task: a frozen copy of everything it needs.</summary>
[GenerateSerializer, Immutable, Alias("grader.TaskAssignment")]
public sealed record TaskAssignment(
    [property: Id(0)] Guid TaskId,
    [property: Id(1)] int Attempt,
    [property: Id(2)] TaskSpec Spec,
    [property: Id(3)] AssignmentDefinition Assignment);

/// <summary>What students and staff do with a task.</summary>
[Alias("grader.ITaskGrain")]
public interface ITaskGrain : IGrainWithGuidKey, ITaskRunnerCallbacks
{
    /// <summary>Creates and queues the task; submitting the same spec again returns the existing view.</summary>
    [Alias("Submit")]
    Task<TaskView> SubmitAsync(TaskSpec spec);

    [Alias("Get")]
    Task<TaskView?> GetAsync();

    /// <summary>Cancels a queued or running task; a terminal task is left as it is.</summary>
    [Alias("Cancel")]
    Task<TaskView?> CancelAsync(string requestedBy);

    /// <summary>Ends an unfinished task because the same student submitted again (see ISubmissionGrain).</summary>
    [Alias("Supersede")]
    Task<TaskView?> SupersedeAsync(Guid newerTaskId);

    /// <summary>Starts (or renews) live updates; they lapse after a few minutes unless renewed.</summary>
    [Alias("Subscribe")]
    Task SubscribeAsync(ITaskObserver observer);

    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(ITaskObserver observer);

    /// <summary>The host is gone (declared dead, or restarted without the job): if this attempt is still
    /// current there, the task goes back in line, never charged; otherwise nothing happens.</summary>
    [Alias("HostLost")]
    Task HostLostAsync(string host, int attempt);

    /// <summary>Writes the task's summary to the read model again; a row that is already as new stays.
    /// The read-model repair calls it for summaries that fell behind the grain's state.</summary>
    [Alias("RefreshReadModel")]
    Task RefreshReadModelAsync();
}

/// <summary>What a runner tells the task as it works. Every call names its attempt, and a call for an
/// attempt that is no longer current is ignored, so late or duplicate deliveries are harmless.</summary>
[Alias("grader.ITaskRunnerCallbacks")]
public interface ITaskRunnerCallbacks : IGrainWithGuidKey
{
    /// <summary>Returns the work if the task is still waiting for a runner, or null if it is not.</summary>
    [Alias("Claim")]
    Task<TaskAssignment?> ClaimAsync(string host);

    /// <summary>Returns false when the attempt is no longer current, so the runner should stop.</summary>
    [Alias("ReportPhase")]
    Task<bool> ReportPhaseAsync(int attempt, string phase, string? detail);

    [Alias("ReportStep")]
    Task<bool> ReportStepAsync(StepResult result);

    [Alias("FinishAttempt")]
    Task FinishAttemptAsync(int attempt, AttemptReport report);
}
