using Grader.Queue;
using Grader.Sandbox;
using Grader.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Grader.Telemetry;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Placement;
using Orleans.Runtime;

namespace Grader.Runners;

/// <summary>The runner of one Docker host. Calls to it return at once: jobs run in the background and
/// report to their task grains themselves. It pulls work when a slot is free, on a wake-up from the
/// queue, when a job ends, and on a slow timer as a safety net. It removes leftovers of attempts it
/// does not run, at activation and periodically.</summary>
[HostPlacement, Immovable]
public sealed partial class RunnerGrain(
    GradingServices services,
    ILocalSiloDetails silo,
    ILogger<RunnerGrain> logger) : Grain, IRunnerGrain
{
    private static readonly TimeSpan PullSafetyNet = TimeSpan.FromSeconds(10);
    private readonly Dictionary<(Guid TaskId, int Attempt), GradingJob> _jobs = [];
    private readonly HashSet<Guid> _claiming = [];
    private readonly List<IGrainTimer> _timers = [];
    private bool _pumping;
    private bool _pumpAgain;

    private string Host => this.GetPrimaryKeyString();

    private int Slots => services.Options.Slots;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Placement already chose this silo by name; refuse to run anywhere else (orleans#9685).
        if (silo.Name != Host)
        {
            throw new InvalidOperationException($"Runner '{Host}' was activated on silo '{silo.Name}'; it must run on its own host.");
        }

        await ReconcileAsync(cancellationToken);
        await GrainFactory.GetGrain<ITaskQueueGrain>(0).RegisterRunnerAsync(Host);
        _timers.Add(this.RegisterGrainTimer(_ => PumpAsync(), new GrainTimerCreationOptions
        {
            DueTime = TimeSpan.Zero,
            Period = PullSafetyNet,
            KeepAlive = true,
            Interleave = true,
        }));
        _timers.Add(this.RegisterGrainTimer(ReconcileAsync, new GrainTimerCreationOptions
        {
            DueTime = services.Options.ReconcileInterval,
            Period = services.Options.ReconcileInterval,
            KeepAlive = true,
            Interleave = true,
        }));
        LogActivated(logger, Host, Slots);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        foreach (var timer in _timers)
        {
            timer.Dispose();
        }

        // The silo is going away: stop jobs so their cleanup runs; their tasks go back in line.
        foreach (var job in _jobs.Values)
        {
            job.Cancel(hostStopping: true);
        }

        LogDeactivated(logger, Host, _jobs.Count, reason.Description);
        await Task.CompletedTask;
    }

    public Task<RunnerStatus> GetStatusAsync() => Task.FromResult(new RunnerStatus(Host, silo.Name, Slots,
        _jobs.Values.Select(j => new RunningJob(j.TaskId, j.Attempt, j.StartedAt)).ToList()));

    public Task WakeAsync() => PumpAsync();

    public Task<bool> HasJobAsync(Guid taskId, int attempt) =>
        Task.FromResult(_jobs.ContainsKey((taskId, attempt)) || _claiming.Contains(taskId));

    public Task CancelAsync(Guid taskId, int attempt)
    {
        if (_jobs.TryGetValue((taskId, attempt), out var job))
        {
            job.Cancel();
        }

        return Task.CompletedTask;
    }

    private async Task PumpAsync()
    {
        if (_pumping)
        {
            _pumpAgain = true;
            return;
        }

        _pumping = true;
        try
        {
            do
            {
                _pumpAgain = false;
                while (_jobs.Count + _claiming.Count < Slots)
                {
                    var lease = await GrainFactory.GetGrain<ITaskQueueGrain>(0).DequeueAsync(Host);
                    if (lease is null)
                    {
                        break;
                    }

                    await ClaimAndStartAsync(lease);
                }
            }
            while (_pumpAgain && _jobs.Count + _claiming.Count < Slots);
        }
        catch (Exception e)
        {
            LogPumpFailed(logger, e, Host);
        }
        finally
        {
            _pumping = false;
        }
    }

    private async Task ClaimAndStartAsync(QueueLease lease)
    {
        var taskId = lease.Entry.TaskId;
        _claiming.Add(taskId);
        try
        {
            var taskGrain = GrainFactory.GetGrain<ITaskGrain>(taskId);
            var work = await LeasedClaim.ClaimAsync(GrainFactory, lease, Host, ServiceProvider.GetService<ClaimFaults>());
            if (work is null)
            {
                return;
            }

            var job = new GradingJob(work, Host, services, taskGrain);
            _jobs[(work.TaskId, work.Attempt)] = job;
            GraderTelemetry.SlotTaken(Host);
            _ = RunAndReleaseAsync(job);
        }
        finally
        {
            _claiming.Remove(taskId);
        }
    }

    /// <summary>The job itself runs off the grain's scheduler; what follows the await runs back on it,
    /// so the job table is only ever touched by the grain.</summary>
    private async Task RunAndReleaseAsync(GradingJob job)
    {
        try
        {
            await Task.Run(job.RunAsync);
        }
        catch (Exception e)
        {
            LogJobCrashed(logger, e, job.TaskId, job.Attempt, Host);
        }
        finally
        {
            _jobs.Remove((job.TaskId, job.Attempt));
            GraderTelemetry.SlotFreed(Host);
        }

        await PumpAsync();
    }

    /// <summary>Removes containers, roles and databases of this host that belong to no running attempt
    /// (left by a crash or a killed silo).</summary>
    private async Task ReconcileAsync(CancellationToken ct)
    {
        var tag = SandboxNames.TagFor(Host);
        bool Orphan(string name) => SandboxNames.TryParse(name) is not { } n || (!_jobs.ContainsKey((n.TaskId, n.Attempt)) && !_claiming.Contains(n.TaskId));
        try
        {
            foreach (var container in await services.Docker.ListOwnContainersAsync(tag, ct))
            {
                var name = container.Names.FirstOrDefault() ?? container.ID;
                if (Orphan(name))
                {
                    LogOrphanRemoved(logger, Host, "container", name);
                    await services.Docker.RemoveContainerAsync(container.ID, ct);
                }
            }

            foreach (var name in await services.Database.ListOwnAsync(tag, ct))
            {
                if (Orphan(name))
                {
                    LogOrphanRemoved(logger, Host, "database sandbox", name);
                    await services.Database.DropAsync(name, ct);
                }
            }

            await services.ImageCollector.CollectAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogReconcileFailed(logger, e, Host);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Runner {Host} active with {Slots} slots")]
    private static partial void LogActivated(ILogger logger, string host, int slots);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Runner {Host} deactivating with {Running} running jobs: {Reason}")]
    private static partial void LogDeactivated(ILogger logger, string host, int running, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Runner {Host} could not pull work")]
    private static partial void LogPumpFailed(ILogger logger, Exception e, string host);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job for task {TaskId} attempt {Attempt} crashed on {Host}")]
    private static partial void LogJobCrashed(ILogger logger, Exception e, Guid taskId, int attempt, string host);

    [LoggerMessage(Level = LogLevel.Information, Message = "Runner {Host} removed orphaned {Kind} {Name}")]
    private static partial void LogOrphanRemoved(ILogger logger, string host, string kind, string name);

    [LoggerMessage(Level = LogLevel.Error, Message = "Runner {Host} could not reconcile leftovers")]
    private static partial void LogReconcileFailed(ILogger logger, Exception e, string host);
}
