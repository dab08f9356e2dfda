namespace Grader.Queue;

/// <summary>The partitioned queue in one process, with the same routing and merge rule the grains use:
/// each user lives in one partition, and a dequeue takes the best head across partitions. It exists so
/// tests and benchmarks can hold it next to <see cref="FairQueue"/>; the grains run the same steps as calls.</summary>
public sealed class PartitionedQueue
{
    private readonly QueuePartition[] _partitions;
    private readonly QueueClock _clock;

    public PartitionedQueue(int partitions, QueueClock clock)
    {
        _partitions = Enumerable.Range(0, partitions).Select(_ => new QueuePartition()).ToArray();
        _clock = clock;
    }

    public IReadOnlyList<QueuePartition> Partitions => _partitions;

    public int Count => _partitions.Sum(p => p.Count);

    public QueuePartition PartitionFor(string userId) => _partitions[QueueShards.PartitionOf(userId, _partitions.Length)];

    public bool Enqueue(QueueEntry entry) => PartitionFor(entry.UserId).Enqueue(entry, _clock.Next());

    public QueueLease? Dequeue(string host, DateTimeOffset expiresAt)
    {
        if (QueueShards.Pick(_partitions.Select(p => p.Head).ToList()) is not var (index, _))
        {
            return null;
        }

        var floor = _partitions.Max(p => p.MaxTurn);
        return _partitions[index].Lease(index, host, _clock.Next(floor), expiresAt);
    }

    public bool Confirm(QueueLeaseId lease) => _partitions[lease.Partition].Confirm(lease.Token);

    public bool Return(QueueLeaseId lease) => _partitions[lease.Partition].Return(lease.Token);

    public bool Remove(Guid taskId) => _partitions.Any(p => p.Remove(taskId));

    public int? PositionOf(Guid taskId)
    {
        foreach (var partition in _partitions)
        {
            if (partition.Locate(taskId) is var (index, head))
            {
                return _partitions.Sum(p => p.CountAhead(index, head));
            }
        }

        return null;
    }
}
