namespace Grader.Queue;

/// <summary>The two lanes in one process, with the rule the queue's door follows: each lane is its own
/// partitioned queue (so <see cref="FairQueue"/>'s rotation holds within each kind of work), and
/// <see cref="BatchShare"/> picks the lane of each dequeue. Tests hold it next to two FairQueues.</summary>
public sealed class LanedQueue(int partitions, decimal batchShare, QueueClock clock)
{
    private readonly PartitionedQueue _interactive = new(partitions, clock);
    private readonly PartitionedQueue _batch = new(partitions, clock);
    private readonly BatchShare _share = new(batchShare);

    public int Count => _interactive.Count + _batch.Count;

    public PartitionedQueue Lane(QueueLane lane) => lane == QueueLane.Batch ? _batch : _interactive;

    public bool Enqueue(QueueEntry entry) => Lane(entry.Lane).Enqueue(entry);

    public QueueLease? Dequeue(string host, DateTimeOffset expiresAt)
    {
        var interactive = _interactive.Count > 0;
        var batch = _batch.Count > 0;
        if (_share.Next(interactive, batch) is not { } lane)
        {
            return null;
        }

        _share.Served(lane, interactive && batch);
        return Lane(lane).Dequeue(host, expiresAt);
    }
}
