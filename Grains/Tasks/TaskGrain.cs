using Grader.Assignments;
using Grader.Queue;
using Grader.Runners;
using Grader.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;
using Orleans.Utilities;

namespace Grader.Tasks;

/// <summary>The source of truth for one submission. The rules live in <see cref="TaskLifecycle"/>; this grain
/// stores each next state before adopting it, notifies, and keeps a reminder while the task is unfinished
/// that puts it back in line if its runner or its queue entry is lost.</summary>
[CollectionAgeLimit(Minutes = 2)]
public sealed partial class TaskGrain(
    [PersistentState(GrainStorage.TaskState, GrainStorage.Provider)] IPersistentState<TaskState> state,
    IOptions<TaskOptions> options,
    TaskTransitions transitions,
    TaskReadModel readModel,
    ILogger<TaskGrain> logger) : Grain, ITaskGrain, IRemindable
{
    private const string WatchdogReminder = "watchdog";
    private readonly TaskOptions _options = options.Value;
    private readonly ObserverManager<ITaskObserver> _observers = new(TimeSpan.FromMinutes(3), logger);
    private IGrainTimer? _settle;

    // Changes adopted since the last write (see TaskLifecycle on what is not stored at once).
    private int _unsaved;

    // The first read-model write of an activation, and the one after a failed write, carries every step.
    private bool _writeAllSteps = true;
    private TaskState S => state.State;

    private Guid Id => this.GetPrimaryKey();

    private ITaskQueueGrain Queue => GrainFactory.GetGrain<ITaskQueueGrain>(0);

    private QueueEntry QueueEntry() => new(Id, S.Spec!.UserId, S.CreatedAt, QueueLanes.For(S.Spec.Source));

    public async Task<TaskView> SubmitAsync(TaskSpec spec)
    {
        if (S.Spec is null)
        {
            using var span = GraderTelemetry.TaskSpan(Id, "submit");
            // The submission's one durable write before the response is the task's own state (in ApplyAsync);
            // its watchdog, queue entry and summary follow after the response (see SettleAsync).
            if (await ApplyAsync(TaskLifecycle.Submit(S, spec, DateTimeOffset.UtcNow)))
            {
                LogSubmitted(logger, Id, spec.UserId, spec.AssignmentId, spec.Image);
            }
        }
        else if (S.Status == GradingStatus.Queued)
        {
            // A retried submission may follow one whose settling was lost with a silo; settling is idempotent.
            ScheduleSettle(TimeSpan.Zero);
        }

        return View();
    }

    public Task<TaskView?> GetAsync() => Task.FromResult(S.Spec is null ? null : View());

    public async Task<TaskView?> CancelAsync(string requestedBy)
    {
        await ApplyAsync(TaskLifecycle.Cancel(S, requestedBy, DateTimeOffset.UtcNow));
        return S.Spec is null ? null : View();
    }

    public async Task<TaskView?> SupersedeAsync(Guid newerTaskId)
    {
        await ApplyAsync(TaskLifecycle.Supersede(S, newerTaskId, DateTimeOffset.UtcNow));
        return S.Spec is null ? null : View();
    }

    public async Task<TaskAssignment?> ClaimAsync(string host)
    {
        if (TaskLifecycle.IsUnstartedClaimBy(S, host) && await GrainFactory.GetGrain<IAssignmentGrain>(S.Spec!.AssignmentId).GetAsync() is { } again)
        {
            return new TaskAssignment(Id, S.Attempt, S.Spec, again);
        }

        if (S.Spec is null || S.Status != GradingStatus.Queued)
        {
            return null;
        }

        var assignment = await GrainFactory.GetGrain<IAssignmentGrain>(S.Spec.AssignmentId).GetAsync();
        var maxScore = assignment?.ScenariosFor(S.Spec.IncludePrivate).SelectMany(s => s.Steps).Sum(s => s.Points);
        if (!await ApplyAsync(TaskLifecycle.Claim(S, host, maxScore, DateTimeOffset.UtcNow)) || assignment is null)
        {
            return null;
        }

        LogClaimed(logger, Id, S.Attempt, host);
        return new TaskAssignment(Id, S.Attempt, S.Spec, assignment);
    }

    public Task<bool> ReportPhaseAsync(int attempt, string phase, string? detail) =>
        ApplyAsync(TaskLifecycle.Phase(S, attempt, phase, detail, DateTimeOffset.UtcNow));

    public Task<bool> ReportStepAsync(StepResult result) => ApplyAsync(TaskLifecycle.Step(S, result), result);

    public async Task FinishAttemptAsync(int attempt, AttemptReport report)
    {
        if (report.End == AttemptEnd.InfrastructureError)
        {
            LogRequeued(logger, Id, attempt, report.Fault ?? InfrastructureFault.Internal, report.Message);
        }

        await ApplyAsync(TaskLifecycle.FinishAttempt(S, attempt, report, _options.MaxAttempts, DateTimeOffset.UtcNow));
    }

    /// <summary>The read-model repair calls this for a task whose summary is missing or behind. A task
    /// stored by a silo that died before settling it has no summary, so settling here (idempotent) is
    /// what puts it in line after such a crash.</summary>
    public Task RefreshReadModelAsync() => S.Spec is null ? Task.CompletedTask : SettleAsync();

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (S.Spec is null || S.Status.IsTerminal())
        {
            await StopWatchdogAsync();
            return;
        }

        if (S.Status == GradingStatus.Queued)
        {
            // Idempotent: puts the task back only if a crash lost it between dequeue and claim.
            if (!await Queue.IsQueuedAsync(Id, S.Spec.UserId))
            {
                await Queue.EnqueueAsync(QueueEntry());
            }

            return;
        }

        bool alive;
        try
        {
            alive = await GrainFactory.GetGrain<IRunnerGrain>(S.Host!).HasJobAsync(Id, S.Attempt).WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // While membership changes (another silo just died) a call to a healthy host can fail or
            // time out: only a host that membership no longer lists as active has lost the attempt.
            // Otherwise the next tick asks again.
            LogRunnerUnreachable(logger, Id, S.Attempt, S.Host!, e.Message);
            alive = ServiceProvider.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.IsActive(S.Host!);
        }

        if (!alive)
        {
            await HostLostAsync(S.Host!, S.Attempt);
        }
    }

    public async Task HostLostAsync(string host, int attempt)
    {
        if (S.Spec is null || S.Host != host)
        {
            return;
        }

        var detail = $"The grading host '{host}' was lost during attempt {attempt}.";
        if (await ApplyAsync(TaskLifecycle.AttemptLost(S, attempt, InfrastructureFault.HostLost, detail, _options.MaxAttempts, DateTimeOffset.UtcNow)))
        {
            LogRequeued(logger, Id, attempt, InfrastructureFault.HostLost, detail);
        }
    }

    public Task SubscribeAsync(ITaskObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(ITaskObserver observer)
    {
        _observers.Unsubscribe(observer);
        LeaveWhenUnwatched();
        return Task.CompletedTask;
    }

    /// <summary>Stores the next state and only then adopts it: a failed write leaves this activation as it
    /// was, so the caller's retry (or the watchdog) applies the transition later. A change that need not be
    /// stored at once is adopted as it is. Then tells everyone who watches, writes the read model (only
    /// <paramref name="step"/>'s row of the steps) and carries out the change's effects. Returns false when
    /// there was nothing to change.</summary>
    private async Task<bool> ApplyAsync(TaskChange? change, StepResult? step = null)
    {
        if (change is null)
        {
            return false;
        }

        var previous = state.State;
        if (!change.Durable && _unsaved < TaskReadModel.RevisionStride - 1)
        {
            state.State = change.Next;
            _unsaved++;
            await AfterChangeAsync(change, previous, step);
            return true;
        }

        change.Next.Revision = previous.Revision + 1;
        state.State = change.Next;
        try
        {
            await state.WriteStateAsync();
            _unsaved = 0;
        }
        catch (Exception e)
        {
            state.State = previous;
            LogWriteFailed(logger, e, Id, change.Next.Status);
            if (e is InconsistentStateException)
            {
                // The store moved on without us (a write that landed but was reported lost): read it again.
                DeactivateOnIdle();
            }

            throw;
        }

        await AfterChangeAsync(change, previous, step);
        return true;
    }

    private long ReadModelRevision => S.Revision * TaskReadModel.RevisionStride + _unsaved;

    private async Task AfterChangeAsync(TaskChange change, TaskState previous, StepResult? step)
    {
        var view = View();
        CountTransition(previous, view);
        transitions.Publish(view);
        await _observers.Notify(o => o.OnTaskChangedAsync(view));
        if (previous.Spec is null)
        {
            // A new task: nothing more is awaited before the submitter's response.
            ScheduleSettle(TimeSpan.Zero);
            return;
        }

        // A phase that keeps the status changes no column of the summary.
        if (_writeAllSteps || step is not null || change.Durable || previous.Status != S.Status)
        {
            IEnumerable<StepResult> steps = _writeAllSteps ? view.Steps : step is null ? [] : [step];
            _writeAllSteps = !await readModel.WriteAsync(view, ReadModelRevision, steps);
        }

        if (S.Status.IsTerminal())
        {
            LogFinished(logger, Id, S.Attempt, S.Status, S.End);
            LeaveWhenUnwatched();
        }

        await RunEffectsAsync(change.Effects, previous);
    }

    /// <summary>Each effect is repeated by the watchdog if it fails here, so a failure is logged, not thrown:
    /// the transition it follows is already stored.</summary>
    private async Task RunEffectsAsync(TaskEffects effects, TaskState previous)
    {
        try
        {
            if (effects.HasFlag(TaskEffects.Enqueue))
            {
                await Queue.EnqueueAsync(QueueEntry());
            }

            if (effects.HasFlag(TaskEffects.LeaveQueue))
            {
                await Queue.RemoveAsync(Id);
            }

            if (effects.HasFlag(TaskEffects.StopWatchdog))
            {
                await StopWatchdogAsync();
            }
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or InvalidOperationException)
        {
            LogEffectFailed(logger, Id, effects, e.Message);
        }

        if (effects.HasFlag(TaskEffects.StopRunner) && previous.Host is not null)
        {
            try
            {
                await GrainFactory.GetGrain<IRunnerGrain>(previous.Host).CancelAsync(Id, previous.Attempt);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                // The host is gone, and its attempt with it; the cancel is already stored.
                LogRunnerUnreachable(logger, Id, previous.Attempt, previous.Host, e.Message);
            }
        }
    }

    /// <summary>Runs <see cref="SettleAsync"/> in a turn of its own, after the current call has answered;
    /// a grain timer's tick waits for that turn like any call to this non-reentrant grain.</summary>
    private void ScheduleSettle(TimeSpan due) =>
        _settle ??= this.RegisterGrainTimer(async _ =>
        {
            _settle?.Dispose();
            _settle = null;
            await SettleAsync();
        }, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan));

    /// <summary>What follows a stored submission, each step idempotent: the watchdog, the queue entry,
    /// then the summary. The summary goes last because it is the read-model repair's sign that a task has
    /// settled: if this silo dies first, the repair finds the task without one and settles it again, so
    /// a stored task always gets in line. A failed step is tried again a second later.</summary>
    private async Task SettleAsync()
    {
        if (!S.Status.IsTerminal())
        {
            try
            {
                await this.RegisterOrUpdateReminder(WatchdogReminder, _options.WatchdogPeriod, _options.WatchdogPeriod);
                if (S.Status == GradingStatus.Queued)
                {
                    await Queue.EnqueueAsync(QueueEntry());
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Whatever failed (the reminder table, a partition's rows, a partition's silo), the task is
                // stored and must get in line: nobody else would try again before the repair's next round.
                LogEffectFailed(logger, Id, TaskEffects.Enqueue, e.Message);
                ScheduleSettle(TimeSpan.FromSeconds(1));
                return;
            }
        }

        var view = View();
        _writeAllSteps = !await readModel.WriteAsync(view, ReadModelRevision, view.Steps);
    }

    private static void CountTransition(TaskState previous, TaskView now)
    {
        if (previous.Spec is null)
        {
            GraderTelemetry.TaskSubmitted();
        }
        else if (previous.Status == GradingStatus.Queued && now.Status == GradingStatus.Preparing)
        {
            GraderTelemetry.TaskClaimed(now);
        }
        else if (previous.Status != GradingStatus.Queued && now.Status == GradingStatus.Queued)
        {
            GraderTelemetry.TaskRequeued();
        }

        if (now.Status.IsTerminal() && !previous.Status.IsTerminal())
        {
            GraderTelemetry.TaskFinished(previous.Status, now.Status, now.End);
        }
    }

    private async Task StopWatchdogAsync()
    {
        if (await this.GetReminder(WatchdogReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private TaskView View()
    {
        var steps = S.Steps.Where(s => s.Attempt == S.Attempt).ToList();
        return new TaskView(Id, S.Spec!, S.Status, S.Attempt, S.Host, S.CreatedAt, S.StartedAt, S.FinishedAt, S.Message, S.End,
            steps, S.Phases.ToList(), S.ContainerLogs, S.ExitCode, S.OomKilled, steps.Sum(s => s.Points), S.MaxScore, S.ImageDigest, StaffMessage: S.StaffMessage);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} submitted by {UserId} for {AssignmentId}: {Image}")]
    private static partial void LogSubmitted(ILogger logger, Guid taskId, string userId, string assignmentId, string image);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} attempt {Attempt} claimed by {Host}")]
    private static partial void LogClaimed(ILogger logger, Guid taskId, int attempt, string host);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} attempt {Attempt} lost on our side ({Fault}): {Reason}")]
    private static partial void LogRequeued(ILogger logger, Guid taskId, int attempt, InfrastructureFault fault, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: storing the change to {Status} failed; the task keeps its previous state")]
    private static partial void LogWriteFailed(ILogger logger, Exception e, Guid taskId, GradingStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: {Effects} after a stored change failed; the watchdog repeats it: {Error}")]
    private static partial void LogEffectFailed(ILogger logger, Guid taskId, TaskEffects effects, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} attempt {Attempt}: runner {Host} unreachable: {Error}")]
    private static partial void LogRunnerUnreachable(ILogger logger, Guid taskId, int attempt, string host, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} attempt {Attempt} finished: {Status} ({End})")]
    private static partial void LogFinished(ILogger logger, Guid taskId, int attempt, GradingStatus status, AttemptEnd? end);
}
