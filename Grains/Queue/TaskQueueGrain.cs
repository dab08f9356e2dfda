using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Grader.Queue;

/// <summary>The queue's door. It keeps nothing itself: a user's tasks live in one partition (by hash),
/// so enqueue, confirm and the watchdog's lookup go to one partition, and a dequeue takes the best head
/// across all of them. Every silo runs its own copies, so no call waits behind another here.</summary>
[StatelessWorker, Reentrant]
public sealed class TaskQueueGrain(IOptions<QueueOptions> options, RunnerWakeups wakeups, TimeProvider time) : Grain, ITaskQueueGrain
{
    // Bounds tries when other runners keep taking the head we picked; the last try takes any head.
    private const int DequeueTries = 4;

    // Beyond the recommended membership settings' 6–10 s to declare a silo dead, and below Orleans'
    // 30 s response timeout for the call that brought us here.
    private static readonly TimeSpan PartitionMoveLimit = TimeSpan.FromSeconds(20);

    // Per activation: every door keeps batch work within the share of its own dequeues, so together they do too.
    private readonly BatchShare _share = new(options.Value.BatchShare);

    private int Count => options.Value.Partitions;

    public Task EnqueueAsync(QueueEntry entry) => OutlastingMembershipAsync(() => PartitionFor(entry.UserId, entry.Lane).EnqueueAsync(entry));

    public async Task<QueueLease?> DequeueAsync(string host)
    {
        for (var attempt = 1; attempt <= DequeueTries; attempt++)
        {
            var interactive = await Task.WhenAll(Lane(QueueLane.Interactive).Select(p => p.PeekAsync()));
            var batch = await Task.WhenAll(Lane(QueueLane.Batch).Select(p => p.PeekAsync()));
            bool waits(PartitionPeek[] peeks) => peeks.Any(p => p.Head is not null);
            if (_share.Next(waits(interactive), waits(batch)) is not { } lane)
            {
                return null;
            }

            var peeks = lane == QueueLane.Batch ? batch : interactive;
            var (index, bound) = QueueShards.Pick(peeks.Select(p => p.Head).ToList())!.Value;
            var floor = peeks.Max(p => p.MaxTurn);
            var result = await Partition(QueuePartitionKeys.KeyOf(lane, index)).DequeueAsync(host, floor, attempt < DequeueTries ? bound : null);
            if (result.Lease is not null)
            {
                _share.Served(lane, waits(interactive) && waits(batch));
                return result.Lease;
            }
        }

        return null;
    }

    public Task<bool> ConfirmAsync(QueueLeaseId lease) => Partition(lease.Partition).ConfirmAsync(lease.Token);

    public Task<bool> ReturnAsync(QueueLeaseId lease) => Partition(lease.Partition).ReturnAsync(lease.Token);

    public Task RemoveAsync(Guid taskId) => Task.WhenAll(All().Select(p => OutlastingMembershipAsync(() => p.RemoveAsync(taskId))));

    public async Task<bool> IsQueuedAsync(Guid taskId, string userId) =>
        await PartitionFor(userId, QueueLane.Interactive).ContainsAsync(taskId) || await PartitionFor(userId, QueueLane.Batch).ContainsAsync(taskId);

    public async Task<int?> GetPositionAsync(Guid taskId) => (await GetPlaceAsync(taskId))?.Ahead;

    /// <summary>Two rounds of calls, O(users) in all: find the task's index and its user's head, then let
    /// every partition of its lane count what leaves before it (see <see cref="QueuePartition.CountAhead"/>).
    /// The other lane is not counted: it only takes its share of the slots.</summary>
    public async Task<QueuePlace?> GetPlaceAsync(Guid taskId)
    {
        var lanes = new[] { QueueLane.Interactive, QueueLane.Batch };
        var found = await Task.WhenAll(lanes.Select(async lane =>
            (Lane: lane, Place: (await Task.WhenAll(Lane(lane).Select(p => p.LocateAsync(taskId)))).FirstOrDefault(p => p is not null))));
        return found.FirstOrDefault(f => f.Place is not null) is { Place: { } located } hit ? await PlaceAsync(hit.Lane, located) : null;
    }

    public async Task<QueuePlace?> GetPlaceAsync(Guid taskId, string userId)
    {
        var found = await Task.WhenAll(new[] { QueueLane.Interactive, QueueLane.Batch }.Select(async lane =>
            (Lane: lane, Place: await PartitionFor(userId, lane).LocateAsync(taskId))));
        return found.FirstOrDefault(f => f.Place is not null) is { Place: { } located } hit ? await PlaceAsync(hit.Lane, located) : null;
    }

    private async Task<QueuePlace> PlaceAsync(QueueLane lane, PartitionPlace located)
    {
        var counts = await Task.WhenAll(Lane(lane).Select(p => p.CountAheadAsync(located.Index, located.Head)));
        var ahead = counts.Sum(c => c.Ahead);
        var rate = counts.Sum(c => c.DrainPerSecond);
        // It starts once everything ahead of it and then itself have left.
        DateTimeOffset? start = rate > 0 ? time.GetUtcNow() + TimeSpan.FromSeconds((ahead + 1) / rate) : null;
        return new QueuePlace(ahead, start);
    }

    public async Task<int> GetLengthAsync() => (await Task.WhenAll(All().Select(p => p.GetLengthAsync()))).Sum();

    public async Task RegisterRunnerAsync(string host)
    {
        await GrainFactory.GetGrain<IRunnerRegistryGrain>(0).RegisterAsync(host);
        wakeups.Forget();
    }

    public Task<IReadOnlyList<RunnerRegistration>> GetRunnersAsync() => GrainFactory.GetGrain<IRunnerRegistryGrain>(0).ListAsync();

    /// <summary>A partition whose silo just died cannot answer until membership declares that silo dead
    /// (seconds, see the README) and the partition loads its rows on a live silo. Entries that a task
    /// has stored must not be lost in that gap, so these calls are tried again until then, within the
    /// caller's own response timeout; what still fails is the caller's to retry.</summary>
    private static async Task OutlastingMembershipAsync(Func<Task<bool>> call)
    {
        var deadline = DateTime.UtcNow + PartitionMoveLimit;
        for (var delay = TimeSpan.FromMilliseconds(100); ; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.TicksPerSecond)))
        {
            try
            {
                await call();
                return;
            }
            catch (Exception e) when (e is OrleansMessageRejectionException or TimeoutException && DateTime.UtcNow + delay < deadline)
            {
                await Task.Delay(delay);
            }
        }
    }

    private IQueuePartitionGrain PartitionFor(string userId, QueueLane lane) =>
        Partition(QueuePartitionKeys.KeyOf(lane, QueueShards.PartitionOf(userId, Count)));

    private IQueuePartitionGrain Partition(int key) => GrainFactory.GetGrain<IQueuePartitionGrain>(key);

    private IEnumerable<IQueuePartitionGrain> Lane(QueueLane lane) => Enumerable.Range(0, Count).Select(i => Partition(QueuePartitionKeys.KeyOf(lane, i)));

    private IEnumerable<IQueuePartitionGrain> All() => Lane(QueueLane.Interactive).Concat(Lane(QueueLane.Batch));
}
