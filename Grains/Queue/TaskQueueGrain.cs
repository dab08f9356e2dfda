using Grader.Runners;
using Microsoft.Extensions.Logging;

namespace Grader.Queue;

/// <summary>The durable queue. Every change is written before it is acknowledged, so a queued task
/// survives any restart; runners pull from it when a slot frees up.</summary>
public sealed partial class TaskQueueGrain(
    [PersistentState(GrainStorage.QueueState, GrainStorage.Provider)] IPersistentState<TaskQueueState> state,
    ILogger<TaskQueueGrain> logger) : Grain, ITaskQueueGrain
{
    private FairQueue _queue = new();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _queue = new FairQueue(state.State.Entries, state.State.LastServed, state.State.Turn);
        return Task.CompletedTask;
    }

    public async Task EnqueueAsync(QueueEntry entry)
    {
        if (_queue.Enqueue(entry))
        {
            await SaveAsync();
        }

        LogEnqueued(logger, entry.TaskId, entry.UserId, _queue.Count);
        foreach (var host in state.State.Runners)
        {
            try
            {
                await GrainFactory.GetGrain<IRunnerGrain>(host).WakeAsync();
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                // A host that is gone cannot be woken; the entry is stored, and live runners also poll.
                LogWakeFailed(logger, host, e.Message);
            }
        }
    }

    public async Task<QueueEntry?> DequeueAsync(string host)
    {
        var next = _queue.Dequeue();
        if (next is not null)
        {
            await SaveAsync();
        }

        return next;
    }

    public async Task RemoveAsync(Guid taskId)
    {
        if (_queue.Remove(taskId))
        {
            await SaveAsync();
        }
    }

    public Task<int?> GetPositionAsync(Guid taskId) => Task.FromResult(_queue.PositionOf(taskId));

    public Task<int> GetLengthAsync() => Task.FromResult(_queue.Count);

    public async Task RegisterRunnerAsync(string host)
    {
        if (state.State.Runners.Add(host))
        {
            await SaveAsync();
        }
    }

    private Task SaveAsync()
    {
        state.State.Entries = _queue.Entries.ToList();
        state.State.LastServed = new Dictionary<string, long>(_queue.LastServed);
        state.State.Turn = _queue.Turn;
        return state.WriteStateAsync();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not wake runner {Host}: {Error}")]
    private static partial void LogWakeFailed(ILogger logger, string host, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued task {TaskId} of {UserId}; {Length} waiting")]
    private static partial void LogEnqueued(ILogger logger, Guid taskId, string userId, int length);
}
