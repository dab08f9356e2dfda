using Orleans.Concurrency;
using Orleans.Placement;
using Orleans.Runtime;

namespace Grader.Runners;

/// <summary>The door to this host's <see cref="RunnerHost"/>, which owns the jobs. Orleans may deactivate
/// and reactivate this grain whenever it likes (it does when another silo leaves); no job notices.</summary>
[HostPlacement, Immovable, Reentrant]
public sealed class RunnerGrain(RunnerHost runner, ILocalSiloDetails silo) : Grain, IRunnerGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Placement already chose this silo by name; refuse to run anywhere else (orleans#9685).
        var host = this.GetPrimaryKeyString();
        return silo.Name == host
            ? Task.CompletedTask
            : throw new InvalidOperationException($"Runner '{host}' was activated on silo '{silo.Name}'; it must run on its own host.");
    }

    public Task<RunnerStatus> GetStatusAsync() => Task.FromResult(runner.Status());

    public Task WakeAsync()
    {
        runner.Wake();
        return Task.CompletedTask;
    }

    public Task<bool> HasJobAsync(Guid taskId, int attempt) => Task.FromResult(runner.HasJob(taskId, attempt));

    public Task CancelAsync(Guid taskId, int attempt)
    {
        runner.Cancel(taskId, attempt);
        return Task.CompletedTask;
    }

    public Task<RunnerStatus> DrainAsync() => Task.FromResult(runner.Drain());

    public Task<RunnerStatus> ResumeAsync() => Task.FromResult(runner.Resume());
}
