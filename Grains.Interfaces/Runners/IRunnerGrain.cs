using Orleans.Concurrency;

namespace Grader.Runners;

[GenerateSerializer, Immutable, Alias("grader.RunningJob")]
public sealed record RunningJob(
    [property: Id(0)] Guid TaskId,
    [property: Id(1)] int Attempt,
    [property: Id(2)] DateTimeOffset StartedAt);

[GenerateSerializer, Immutable, Alias("grader.RunnerStatus")]
public sealed record RunnerStatus(
    [property: Id(0)] string Host,
    [property: Id(1)] string SiloName,
    [property: Id(2)] int Slots,
    [property: Id(3)] IReadOnlyList<RunningJob> Running);

/// <summary>The one runner of a Docker host, keyed by the host id (the silo's SiloName) and always
/// placed on that host's silo. It accepts work quickly and runs each job in the background.</summary>
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
}
