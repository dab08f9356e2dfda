using Grader.Assignments;
using Grader.Queue;
using Grader.Runners;
using Grader.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Utilities;

namespace Grader.Tasks;

/// <summary>The source of truth for one submission. It persists after every transition, ignores
/// reports for attempts that are not current (so duplicates and late arrivals are harmless), and keeps
/// a reminder while it is unfinished that puts it back in line if its runner is lost.</summary>
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
    private TaskState S => state.State;

    private Guid Id => this.GetPrimaryKey();

    private ITaskQueueGrain Queue => GrainFactory.GetGrain<ITaskQueueGrain>(0);

    public async Task<TaskView> SubmitAsync(TaskSpec spec)
    {
        if (S.Spec is not null)
        {
            // A retried submission may follow one whose enqueue was lost with a silo; enqueuing is idempotent.
            if (S.Status == GradingStatus.Queued)
            {
                await Queue.EnqueueAsync(new QueueEntry(Id, S.Spec.UserId, S.CreatedAt));
            }

            return View();
        }

        using var span = GraderTelemetry.TaskSpan(Id, "submit");
        S.Spec = spec;
        S.Status = GradingStatus.Queued;
        S.CreatedAt = DateTimeOffset.UtcNow;
        await SaveAsync();
        GraderTelemetry.TaskSubmitted();
        // Registered before queueing: if anything below fails, the watchdog queues the task again.
        await this.RegisterOrUpdateReminder(WatchdogReminder, _options.WatchdogPeriod, _options.WatchdogPeriod);
        await Queue.EnqueueAsync(new QueueEntry(Id, spec.UserId, S.CreatedAt));
        LogSubmitted(logger, Id, spec.UserId, spec.AssignmentId, spec.Image);
        return View();
    }

    public Task<TaskView?> GetAsync() => Task.FromResult(S.Spec is null ? null : View());

    public async Task<TaskView?> CancelAsync(string requestedBy)
    {
        if (S.Spec is null || S.Status.IsTerminal())
        {
            return S.Spec is null ? null : View();
        }

        var wasRunning = S.Status != GradingStatus.Queued;
        await FinishAsync(GradingStatus.Cancelled, AttemptEnd.Cancelled, $"Cancelled by {requestedBy}.");
        await Queue.RemoveAsync(Id);
        if (wasRunning && S.Host is not null)
        {
            try
            {
                await GrainFactory.GetGrain<IRunnerGrain>(S.Host).CancelAsync(Id, S.Attempt);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                // The host is gone, and its attempt with it; the cancel is already stored.
                LogRunnerUnreachable(logger, Id, S.Attempt, S.Host, e.Message);
            }
        }

        return View();
    }

    public async Task<TaskAssignment?> ClaimAsync(string host)
    {
        if (S.Spec is null || S.Status != GradingStatus.Queued)
        {
            return null;
        }

        var assignment = await GrainFactory.GetGrain<IAssignmentGrain>(S.Spec.AssignmentId).GetAsync();
        if (assignment is null)
        {
            await FinishAsync(GradingStatus.Failed, null, $"The assignment '{S.Spec.AssignmentId}' does not exist.");
            return null;
        }

        S.Attempt++;
        S.Status = GradingStatus.Preparing;
        S.Host = host;
        S.StartedAt = DateTimeOffset.UtcNow;
        S.MaxScore = assignment.ScenariosFor(S.Spec.IncludePrivate).SelectMany(s => s.Steps).Sum(s => s.Points);
        S.Phases.Add(new PhaseEvent(S.Attempt, "claimed", host, DateTimeOffset.UtcNow));
        await SaveAsync();
        GraderTelemetry.TaskClaimed(View());
        LogClaimed(logger, Id, S.Attempt, host);
        return new TaskAssignment(Id, S.Attempt, S.Spec, assignment);
    }

    public async Task<bool> ReportPhaseAsync(int attempt, string phase, string? detail)
    {
        if (!IsCurrent(attempt))
        {
            return false;
        }

        S.Status = phase switch
        {
            "starting" or "probing" => GradingStatus.Starting,
            "testing" => GradingStatus.Testing,
            _ => S.Status,
        };
        S.Phases.Add(new PhaseEvent(attempt, phase, detail, DateTimeOffset.UtcNow));
        await SaveAsync();
        return true;
    }

    public async Task<bool> ReportStepAsync(StepResult result)
    {
        if (!IsCurrent(result.Attempt))
        {
            return false;
        }

        S.Steps.RemoveAll(s => s.SameStepAs(result));
        S.Steps.Add(result);
        await SaveAsync();
        return true;
    }

    public async Task FinishAttemptAsync(int attempt, AttemptReport report)
    {
        if (!IsCurrent(attempt))
        {
            return;
        }

        S.ContainerLogs = report.ContainerLogs;
        S.ExitCode = report.ExitCode;
        S.OomKilled = report.OomKilled;
        S.ImageDigest = report.ImageDigest ?? S.ImageDigest;
        switch (report.End)
        {
            case AttemptEnd.Tested:
                await FinishAsync(GradingStatus.Completed, report.End, report.Message);
                break;
            case AttemptEnd.InfrastructureError:
                await RetryOrFailAsync(report.Message ?? "The runner failed.");
                break;
            case AttemptEnd.Cancelled:
                await FinishAsync(GradingStatus.Cancelled, report.End, report.Message ?? "Cancelled.");
                break;
            default:
                await FinishAsync(GradingStatus.Failed, report.End, report.Message);
                break;
        }
    }

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
                await Queue.EnqueueAsync(new QueueEntry(Id, S.Spec.UserId, S.CreatedAt));
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
            // No silo with that name any more, or it does not answer: the attempt is lost either way.
            LogRunnerUnreachable(logger, Id, S.Attempt, S.Host!, e.Message);
            alive = false;
        }

        if (!alive)
        {
            await HostLostAsync(S.Host!, S.Attempt);
        }
    }

    public async Task HostLostAsync(string host, int attempt)
    {
        if (IsCurrent(attempt) && S.Host == host)
        {
            await RetryOrFailAsync($"The grading host '{host}' was lost during attempt {attempt}.");
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
        return Task.CompletedTask;
    }

    /// <summary>Persists, then tells everyone who watches: local listeners, remote observers, the read model.</summary>
    private async Task SaveAsync()
    {
        S.Revision++;
        await state.WriteStateAsync();
        var view = View();
        transitions.Publish(view);
        await _observers.Notify(o => o.OnTaskChangedAsync(view));
        await readModel.WriteAsync(view, S.Revision);
    }

    private bool IsCurrent(int attempt) => S.Spec is not null && !S.Status.IsTerminal() && S.Status != GradingStatus.Queued && attempt == S.Attempt;

    private async Task RetryOrFailAsync(string reason)
    {
        if (S.Attempt >= _options.MaxAttempts)
        {
            await FinishAsync(GradingStatus.Failed, AttemptEnd.InfrastructureError, $"{reason} Gave up after {S.Attempt} attempts.");
            return;
        }

        LogRequeued(logger, Id, S.Attempt, reason);
        S.Status = GradingStatus.Queued;
        S.Phases.Add(new PhaseEvent(S.Attempt, "requeued", reason, DateTimeOffset.UtcNow));
        S.Host = null;
        await SaveAsync();
        GraderTelemetry.TaskRequeued();
        await Queue.EnqueueAsync(new QueueEntry(Id, S.Spec!.UserId, S.CreatedAt));
    }

    private async Task FinishAsync(GradingStatus status, AttemptEnd? end, string? message)
    {
        using var span = GraderTelemetry.TaskSpan(Id, "finish");
        GraderTelemetry.TaskFinished(S.Status, status, end);
        S.Status = status;
        S.End = end;
        S.Message = message;
        S.FinishedAt = DateTimeOffset.UtcNow;
        S.Phases.Add(new PhaseEvent(S.Attempt, status.ToString().ToLowerInvariant(), message, S.FinishedAt.Value));
        await SaveAsync();
        LogFinished(logger, Id, S.Attempt, status, end);
        await StopWatchdogAsync();
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
            steps, S.Phases.ToList(), S.ContainerLogs, S.ExitCode, S.OomKilled, steps.Sum(s => s.Points), S.MaxScore, S.ImageDigest);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} submitted by {UserId} for {AssignmentId}: {Image}")]
    private static partial void LogSubmitted(ILogger logger, Guid taskId, string userId, string assignmentId, string image);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} attempt {Attempt} claimed by {Host}")]
    private static partial void LogClaimed(ILogger logger, Guid taskId, int attempt, string host);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} attempt {Attempt} requeued: {Reason}")]
    private static partial void LogRequeued(ILogger logger, Guid taskId, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} attempt {Attempt}: runner {Host} unreachable: {Error}")]
    private static partial void LogRunnerUnreachable(ILogger logger, Guid taskId, int attempt, string host, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} attempt {Attempt} finished: {Status} ({End})")]
    private static partial void LogFinished(ILogger logger, Guid taskId, int attempt, GradingStatus status, AttemptEnd? end);
}
