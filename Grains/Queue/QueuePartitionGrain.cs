using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Grader.Queue;

/// <summary>One partition of the durable queue. The rules live in <see cref="QueuePartition"/>; this grain
/// keeps its rows in step and hands leases back when they lapse. It is reentrant so that concurrent
/// operations share one write: each change is applied in memory at once (turns never interleave inside
/// it) and acknowledged when the batch that carries it is written. A lease is never handed out for an
/// entry that is not yet stored, and leases themselves are not stored: after a restart every
/// unconfirmed entry is simply waiting again.</summary>
[Reentrant]
public sealed partial class QueuePartitionGrain(
    QueueStore store,
    RunnerWakeups wakeups,
    IClusterMembershipService membership,
    IOptions<QueueOptions> options,
    TimeProvider time,
    ILogger<QueuePartitionGrain> logger) : Grain, IQueuePartitionGrain
{
    private static readonly TimeSpan LapseCheck = TimeSpan.FromSeconds(1);
    private readonly DrainRate _drain = new();
    private QueuePartition _queue = new();
    private QueueClock _clock = new(time);
    private TaskCompletionSource? _nextBatch;
    private bool _writing;
    private IGrainTimer? _timer;

    // The grain key names the lane too (see QueuePartitionKeys), and leases carry it, so a confirm finds its partition.
    private int Index => (int)this.GetPrimaryKeyLong();

    private QueueLane Lane => QueuePartitionKeys.LaneOf(Index);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (entries, served) = await store.LoadAsync(QueuePartitionKeys.ShardOf(Index), options.Value.Partitions, cancellationToken, Lane);
        _queue = new QueuePartition(entries, served);
        _clock = new QueueClock(time);
        _clock.Observe(Math.Max(_queue.MaxSeq, _queue.MaxTurn));
        _timer = this.RegisterGrainTimer(ReturnLapsedAsync, new GrainTimerCreationOptions
        {
            DueTime = LapseCheck,
            Period = LapseCheck,
            Interleave = true,
            // A partition is cheap to keep and its leases must lapse on time.
            KeepAlive = true,
        });
        LogLoaded(logger, Index, _queue.Count);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        if (_writing || _queue.HasChanges)
        {
            await PersistAsync().WaitAsync(cancellationToken);
        }
    }

    public async Task<bool> EnqueueAsync(QueueEntry entry)
    {
        if (!_queue.Enqueue(entry, _clock.Next()))
        {
            // Already here, but perhaps only in memory: a retry after a failed write must not be told
            // the entry is safe before its row is stored.
            if (_writing || _queue.HasChanges)
            {
                await PersistAsync();
            }

            return false;
        }

        var stored = PersistAsync();
        wakeups.Nudge();
        await stored;
        return true;
    }

    public Task<PartitionPeek> PeekAsync() => Task.FromResult(new PartitionPeek(_queue.Head, _queue.MaxTurn));

    public async Task<PartitionDequeue> DequeueAsync(string host, long floor, QueueHead? bound)
    {
        if (_queue.Head is not { } head)
        {
            return new PartitionDequeue(null, Outbid: false);
        }

        if (bound is { } other && head > other)
        {
            return new PartitionDequeue(null, Outbid: true);
        }

        var lease = _queue.Lease(Index, host, _clock.Next(floor), time.GetUtcNow() + options.Value.LeaseDuration)!;
        if (_writing || _queue.HasChanges)
        {
            try
            {
                // The entry may have arrived in a batch that is still being written.
                await PersistAsync();
            }
            catch
            {
                _queue.Return(lease.Id.Token);
                throw;
            }
        }

        return new PartitionDequeue(lease, Outbid: false);
    }

    public async Task<bool> ConfirmAsync(Guid token)
    {
        if (!_queue.Confirm(token))
        {
            return false;
        }

        _drain.Record(time.GetUtcNow());
        await PersistAsync();
        return true;
    }

    public Task<bool> ReturnAsync(Guid token)
    {
        var returned = _queue.Return(token);
        if (returned)
        {
            wakeups.Nudge();
        }

        return Task.FromResult(returned);
    }

    public async Task<bool> RemoveAsync(Guid taskId)
    {
        if (!_queue.Remove(taskId))
        {
            return false;
        }

        await PersistAsync();
        return true;
    }

    public Task<bool> ContainsAsync(Guid taskId) => Task.FromResult(_queue.Contains(taskId));

    public Task<PartitionPlace?> LocateAsync(Guid taskId) =>
        Task.FromResult(_queue.Locate(taskId) is var (index, head) ? new PartitionPlace(index, head) : null);

    public Task<PartitionAhead> CountAheadAsync(int index, QueueHead head) =>
        Task.FromResult(new PartitionAhead(_queue.CountAhead(index, head), _drain.PerSecond(time.GetUtcNow())));

    public Task<int> GetLengthAsync() => Task.FromResult(_queue.Count);

    /// <summary>Joins the next write batch; one batch is in flight at a time, and whatever changes
    /// arrive meanwhile go out together in the one after it.</summary>
    private Task PersistAsync()
    {
        _nextBatch ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var joined = _nextBatch.Task;
        if (!_writing)
        {
            _ = WriteBatchesAsync();
        }

        return joined;
    }

    /// <summary>Never throws: each batch's outcome goes to the calls that joined it. A write may also
    /// complete synchronously, which is why the flag is set here and not by the caller.</summary>
    private async Task WriteBatchesAsync()
    {
        _writing = true;
        while (_nextBatch is { } batch)
        {
            _nextBatch = null;
            var changes = _queue.TakeChanges();
            try
            {
                if (!changes.IsEmpty)
                {
                    await store.WriteAsync(changes, CancellationToken.None, Lane);
                }

                batch.SetResult();
            }
            catch (Exception e)
            {
                // Memory stays the truth: the rows are written again with the next batch.
                _queue.RestoreChanges(changes);
                LogWriteFailed(logger, e, Index);
                batch.SetException(e);
            }
        }

        _writing = false;
    }

    private async Task ReturnLapsedAsync(CancellationToken ct)
    {
        var snapshot = membership.CurrentSnapshot;
        var returned = _queue.ReturnLapsed(time.GetUtcNow(), snapshot.IsDead);
        if (returned > 0)
        {
            LogLapsed(logger, Index, returned);
            wakeups.Nudge();
        }

        if (_queue.HasChanges && !_writing)
        {
            try
            {
                await PersistAsync();
            }
            catch (Exception)
            {
                // Already logged; the next tick tries again.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue partition {Partition} loaded with {Waiting} waiting")]
    private static partial void LogLoaded(ILogger logger, int partition, int waiting);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue partition {Partition} put {Count} lapsed leases back in line")]
    private static partial void LogLapsed(ILogger logger, int partition, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue partition {Partition} could not write its rows; they are kept and written again")]
    private static partial void LogWriteFailed(ILogger logger, Exception e, int partition);
}
