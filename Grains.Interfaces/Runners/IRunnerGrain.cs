using Orleans.Concurrency;

namespace Grader.Runners;

[GenerateSerializer, Immutable, Alias("grader.RunningJob")]
public sealed record RunningJob(
    [property: Id(0)] Guid TaskId,
    [property: Id(1)] int Attempt,
    [property: Id(2)] DateTimeOffset StartedAt);

/// <summary>Whether a host takes work. Unreachable is never reported by a host itself: the caller
/// concludes it when the host does not answer.</summary>
public enum RunnerState
{
    /// <summary>Takes work while it has free slots.</summary>
    Active,
    /// <summary>An operator asked it to stop taking work; it finishes what runs.</summary>
    Draining,
    /// <summary>Draining, and nothing runs any more.</summary>
    Drained,
    /// <summary>Its Docker engine stopped answering: it took no new work and handed its attempts back.</summary>
    Unhealthy,
    /// <summary>The silo is shutting down.</summary>
    Stopping,
    /// <summary>The host did not answer.</summary>
    Unreachable,
}

[GenerateSerializer, Immutable, Alias("grader.RunnerStatus")]
public sealed record RunnerStatus(
    [property: Id(0)] string Host,
    [property: Id(1)] string SiloName,
    [property: Id(2)] int Slots,
    [property: Id(3)] IReadOnlyList<RunningJob> Running,
    [property: Id(4)] RunnerState State = RunnerState.Active);

/// <summary>The door to one Docker host's runner, keyed by the host id (the silo's SiloName) and always
/// placed on that host's silo. The jobs themselves belong to the silo, not to this activation: Orleans
/// may deactivate and reactivate it at any time without touching a job.</summary>
[Alias("grader.IRunnerGrain")]
public interface IRunnerGrain : IGrainWithStringKey
{
    [Alias("Status")]
    Task<RunnerStatus> GetStatusAsync();

    /// <summary>There may be work in the queue: pull while there are free slots.</summary>
    [OneWay, Alias("Wake")]
    Task WakeAsync();

    /// <summary>Whether this runner is working on (or claiming) that attempt; the task's watchdog asks.</summary>
    [AlwaysInterleave, Alias("HasJob")]
    Task<bool> HasJobAsync(Guid taskId, int attempt);

    /// <summary>Stops the job for this attempt, if this runner has it; cleanup still runs.</summary>
    [OneWay, Alias("Cancel")]
    Task CancelAsync(Guid taskId, int attempt);

    /// <summary>Takes no new work and lets running jobs finish; the host shows as drained once idle.</summary>
    [Alias("Drain")]
    Task<RunnerStatus> DrainAsync();

    /// <summary>Takes work again after a drain.</summary>
    [Alias("Resume")]
    Task<RunnerStatus> ResumeAsync();
}
