using Grader.Queue;
using Grader.Sandbox.Clones;
using Grader.Tasks;
using Grader.Telemetry;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Grader.Runners;

/// <summary>The runner of this silo's Docker host. It owns the slots, the job table and the engine, and
/// lives as long as the silo: a grain activation can be deactivated whenever another silo leaves the
/// cluster, so no job may depend on one. Only the silo's own shutdown stops jobs: they get
/// <see cref="RunnerHostOptions.DrainTimeout"/> to finish, and whatever still runs is handed back.</summary>
public sealed partial class RunnerHost(
    GradingServices services,
    HostSweeper sweeper,
    PooledClones clones,
    IGrainFactory grains,
    ILocalSiloDetails silo,
    ILogger<RunnerHost> logger,
    ClaimFaults? claimFaults = null) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private const string ShutdownReason = "The grading host was shut down during the attempt; the task went back in line.";
    private const string EngineLostReason = "The grading host's container engine stopped answering; the task went back in line.";
    private static readonly TimeSpan PullSafetyNet = TimeSpan.FromSeconds(10);
    private readonly Lock _gate = new();
    private readonly Dictionary<(Guid TaskId, int Attempt), (GradingJob Job, Task Done)> _runs = [];
    private readonly HashSet<Guid> _claiming = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private Task _loops = Task.CompletedTask;
    private bool _draining;
    private bool _unhealthy;
    private bool _stopping;
    // A job's cleanup failed (the engine or the database was out of reach): sweep at the next wake, and
    // again at each one after, until a sweep goes through, rather than at the next reconcile.
    private volatile bool _sweepSoon;

    public string Host => silo.Name;

    private RunnerHostOptions Options => services.Options;

    private bool TakesWork
    {
        get
        {
            lock (_gate)
            {
                return !_draining && !_unhealthy && !_stopping && _runs.Count + _claiming.Count < Options.Slots;
            }
        }
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(RunnerHost), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    public RunnerStatus Status()
    {
        lock (_gate)
        {
            var state = _stopping ? RunnerState.Stopping
                : _unhealthy ? RunnerState.Unhealthy
                : _draining ? (_runs.Count == 0 && _claiming.Count == 0 ? RunnerState.Drained : RunnerState.Draining)
                : RunnerState.Active;
            var running = _runs.Values.Select(r => new RunningJob(r.Job.TaskId, r.Job.Attempt, r.Job.StartedAt)).ToList();
            return new RunnerStatus(Host, silo.Name, Options.Slots, running, state);
        }
    }

    /// <summary>There may be work: the pull loop looks at once instead of at its next safety-net tick.</summary>
    public void Wake()
    {
        // One pending signal is enough: the loop takes everything it can each time it wakes.
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    public bool HasJob(Guid taskId, int attempt)
    {
        lock (_gate)
        {
            return _runs.ContainsKey((taskId, attempt)) || _claiming.Contains(taskId);
        }
    }

    public void Cancel(Guid taskId, int attempt)
    {
        lock (_gate)
        {
            if (_runs.TryGetValue((taskId, attempt), out var run))
            {
                run.Job.Cancel();
            }
        }
    }

    public RunnerStatus Drain()
    {
        lock (_gate)
        {
            _draining = true;
        }

        LogDraining(logger, Host);
        return Status();
    }

    public RunnerStatus Resume()
    {
        lock (_gate)
        {
            _draining = false;
        }

        LogResumed(logger, Host);
        Wake();
        return Status();
    }

    public void Dispose()
    {
        _stop.Dispose();
        _wake.Dispose();
    }

    private Task StartAsync(CancellationToken ct)
    {
        // Not awaited: the silo finishes starting while the runner tidies up, then the loops run on their own.
        _loops = Task.WhenAll(Task.Run(() => PullLoopAsync(_stop.Token)), Task.Run(() => EngineLoopAsync(_stop.Token)));
        return Task.CompletedTask;
    }

    /// <summary>Stops pulling, gives running jobs the drain timeout, hands back the rest, and returns
    /// only when their cleanup is done (or the hand-back timeout passed).</summary>
    private async Task StopAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            _stopping = true;
        }

        await _stop.CancelAsync();
        try
        {
            await _loops;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A loop cut short by the stop (a claim in flight, a sweep): the jobs below still drain.
            LogPullFailed(logger, e, Host);
        }

        var running = Snapshot();
        LogStopping(logger, Host, running.Count, Options.DrainTimeout);
        var all = Task.WhenAll(running.Select(r => r.Done));
        if (!await CompletesWithinAsync(all, Options.DrainTimeout, ct))
        {
            foreach (var (job, _) in running)
            {
                job.HandBack(ShutdownReason);
            }

            if (!await CompletesWithinAsync(all, Options.HandBackTimeout, ct))
            {
                LogHandBackIncomplete(logger, Host, Snapshot().Count);
            }
        }
    }

    private async Task PullLoopAsync(CancellationToken ct)
    {
        await sweeper.RemoveOrphansAsync(Host, HasJob, ct);
        // Nothing runs yet, so any attempt recorded for this host belongs to an earlier life of it.
        await sweeper.RequeueLostAsync(Host, ct);
        await RegisterAsync();
        var nextReconcile = DateTimeOffset.UtcNow + Options.ReconcileInterval;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                while (TakesWork && await TakeNextAsync())
                {
                }
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                LogPullFailed(logger, e, Host);
            }

            if (DateTimeOffset.UtcNow >= nextReconcile)
            {
                await SweepAsync(ct);
                await CollectImagesAsync(ct);
                nextReconcile = DateTimeOffset.UtcNow + Options.ReconcileInterval;
            }
            else if (_sweepSoon)
            {
                await SweepAsync(ct);
            }

            try
            {
                await _wake.WaitAsync(PullSafetyNet, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task SweepAsync(CancellationToken ct)
    {
        // Cleared first: a cleanup that fails while this sweep runs asks for the next one.
        _sweepSoon = false;
        if (!await sweeper.RemoveOrphansAsync(Host, HasJob, ct))
        {
            _sweepSoon = true;
        }
    }

    /// <summary>Takes the next entry from the queue and claims its task; false when the queue is empty.
    /// The whole hand-over between queue and task lives here, so a lease (confirm after a successful
    /// claim, return after a failed one) changes only this method.</summary>
    private async Task<bool> TakeNextAsync()
    {
        var lease = await grains.GetGrain<ITaskQueueGrain>(0).DequeueAsync(Host);
        if (lease is null)
        {
            return false;
        }

        var taskId = lease.Entry.TaskId;
        lock (_gate)
        {
            _claiming.Add(taskId);
        }

        clones.Expect(taskId);
        var started = false;

        try
        {
            // Confirms the lease after a successful claim and returns it after a failed one, so the
            // entry leaves the queue only once a task grain has really taken the attempt.
            if (await LeasedClaim.ClaimAsync(grains, lease, Host, claimFaults) is { } work)
            {
                // Started now or already running here: either way that attempt reports its arrival.
                Start(new GradingJob(work, Host, services, grains.GetGrain<ITaskGrain>(taskId), () => _sweepSoon = true));
                started = true;
            }
        }
        finally
        {
            lock (_gate)
            {
                _claiming.Remove(taskId);
            }

            if (!started)
            {
                clones.Arrived(taskId);
            }
        }

        return true;
    }

    private void Start(GradingJob job)
    {
        var key = (job.TaskId, job.Attempt);
        lock (_gate)
        {
            if (_runs.ContainsKey(key))
            {
                // A claim asked again after a lost answer hands the same attempt back; it already runs here.
                return;
            }
        }

        var done = Task.Run(async () =>
        {
            await job.RunAsync();
            if (job.EngineInterrupted && !_unhealthy)
            {
                // The engine stopped under this job: take nothing more until the engine check sees it
                // answer again, rather than failing the next tasks in turn meanwhile.
                SetUnhealthy(true);
                LogEngineStopped(logger, Host);
            }
        });
        lock (_gate)
        {
            _runs[key] = (job, done);
        }

        GraderTelemetry.SlotTaken(Host);

        _ = ReleaseWhenDoneAsync(key, done);
    }

    private async Task ReleaseWhenDoneAsync((Guid TaskId, int Attempt) key, Task done)
    {
        try
        {
            await done;
        }
        catch (Exception e)
        {
            LogJobCrashed(logger, e, key.TaskId, key.Attempt, Host);
        }
        finally
        {
            lock (_gate)
            {
                _runs.Remove(key);
            }

            // An attempt that ended before it asked for a database (a refused image, a stop).
            clones.Arrived(key.TaskId);
            GraderTelemetry.SlotFreed(Host);
        }

        Wake();
    }

    /// <summary>Keeps pulled images within their disk budget; an engine that fails here is the engine
    /// check's business, not the pull loop's.</summary>
    private async Task CollectImagesAsync(CancellationToken ct)
    {
        try
        {
            await services.ImageCollector.CollectAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogImageCollectionFailed(logger, e, Host);
        }
    }

    /// <summary>Pings the engine. Two missed answers in a row: take no work and hand every attempt back,
    /// since none can finish. When it answers again, its leftovers are removed and work resumes.</summary>
    private async Task EngineLoopAsync(CancellationToken ct)
    {
        var missed = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Options.EngineCheckInterval, ct);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(Options.EngineCheckInterval);
                await services.Engine.PingAsync(timeout.Token);
                missed = 0;
                if (_unhealthy)
                {
                    await sweeper.RemoveOrphansAsync(Host, HasJob, ct);
                    SetUnhealthy(false);
                    LogEngineBack(logger, Host);
                    Wake();
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                if (++missed >= 2 && !_unhealthy)
                {
                    SetUnhealthy(true);
                    LogEngineLost(logger, e, Host);
                    foreach (var (job, _) in Snapshot())
                    {
                        job.HandBack(EngineLostReason, InfrastructureFault.Engine);
                    }
                }
            }
        }
    }

    private void SetUnhealthy(bool value)
    {
        lock (_gate)
        {
            _unhealthy = value;
        }
    }

    private async Task RegisterAsync()
    {
        try
        {
            await grains.GetGrain<ITaskQueueGrain>(0).RegisterRunnerAsync(Host);
        }
        catch (Exception e)
        {
            // The pull loop's safety net finds work without wake-ups.
            LogPullFailed(logger, e, Host);
        }
    }

    private List<(GradingJob Job, Task Done)> Snapshot()
    {
        lock (_gate)
        {
            return _runs.Values.ToList();
        }
    }

    private static async Task<bool> CompletesWithinAsync(Task work, TimeSpan limit, CancellationToken ct)
    {
        try
        {
            await work.WaitAsync(limit, ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (Exception)
        {
            // A crashed job is logged where it is released; it is finished all the same.
            return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Runner {Host} draining: it takes no new work")]
    private static partial void LogDraining(ILogger logger, string host);

    [LoggerMessage(Level = LogLevel.Information, Message = "Runner {Host} resumed")]
    private static partial void LogResumed(ILogger logger, string host);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Runner {Host} stopping with {Running} running jobs; they get {DrainTimeout} to finish")]
    private static partial void LogStopping(ILogger logger, string host, int running, TimeSpan drainTimeout);

    [LoggerMessage(Level = LogLevel.Error, Message = "Runner {Host} stopped with {Running} jobs still cleaning up; the reconciler removes their leftovers")]
    private static partial void LogHandBackIncomplete(ILogger logger, string host, int running);

    [LoggerMessage(Level = LogLevel.Error, Message = "Runner {Host} could not pull work")]
    private static partial void LogPullFailed(ILogger logger, Exception e, string host);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job for task {TaskId} attempt {Attempt} crashed on {Host}")]
    private static partial void LogJobCrashed(ILogger logger, Exception e, Guid taskId, int attempt, string host);

    [LoggerMessage(Level = LogLevel.Error, Message = "Runner {Host}: the container engine stopped answering; attempts handed back")]
    private static partial void LogEngineLost(ILogger logger, Exception e, string host);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Runner {Host}: the container engine answers again")]
    private static partial void LogEngineBack(ILogger logger, string host);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The container engine of {Host} stopped under a running attempt; taking no work until it answers again")]
    private static partial void LogEngineStopped(ILogger logger, string host);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Runner {Host} could not collect images over the disk budget")]
    private static partial void LogImageCollectionFailed(ILogger logger, Exception e, string host);
}
