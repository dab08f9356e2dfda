namespace Grader.Queue;

/// <summary>What a partition tells the door in front of it: its best head and the newest turn it has
/// handed out, so the next turn anywhere is later still.</summary>
[GenerateSerializer, Immutable, Alias("grader.PartitionPeek")]
public sealed record PartitionPeek(
    [property: Id(0)] QueueHead? Head,
    [property: Id(1)] long MaxTurn);

/// <summary>A lease, or none because the partition is empty, or none because its head no longer beats
/// the bound (another partition's head is better now; pick again).</summary>
[GenerateSerializer, Immutable, Alias("grader.PartitionDequeue")]
public sealed record PartitionDequeue(
    [property: Id(0)] QueueLease? Lease,
    [property: Id(1)] bool Outbid);

[GenerateSerializer, Immutable, Alias("grader.PartitionPlace")]
public sealed record PartitionPlace(
    [property: Id(0)] int Index,
    [property: Id(1)] QueueHead Head);

/// <summary>How many entries of a partition leave before a given task, and how fast the partition has
/// been draining (confirmed claims per second), for the estimate.</summary>
[GenerateSerializer, Immutable, Alias("grader.PartitionAhead")]
public sealed record PartitionAhead(
    [property: Id(0)] int Ahead,
    [property: Id(1)] double DrainPerSecond);

/// <summary>One partition of the queue (key = partition index). Only the queue's door calls it.</summary>
[Alias("grader.IQueuePartitionGrain")]
public interface IQueuePartitionGrain : IGrainWithIntegerKey
{
    [Alias("Enqueue")]
    Task<bool> EnqueueAsync(QueueEntry entry);

    [Alias("Peek")]
    Task<PartitionPeek> PeekAsync();

    /// <summary>Leases the head if it is still no worse than <paramref name="bound"/>, with a turn above
    /// <paramref name="floor"/>.</summary>
    [Alias("Dequeue")]
    Task<PartitionDequeue> DequeueAsync(string host, long floor, QueueHead? bound);

    [Alias("Confirm")]
    Task<bool> ConfirmAsync(Guid token);

    [Alias("Return")]
    Task<bool> ReturnAsync(Guid token);

    [Alias("Remove")]
    Task<bool> RemoveAsync(Guid taskId);

    [Alias("Contains")]
    Task<bool> ContainsAsync(Guid taskId);

    [Alias("Locate")]
    Task<PartitionPlace?> LocateAsync(Guid taskId);

    [Alias("CountAhead")]
    Task<PartitionAhead> CountAheadAsync(int index, QueueHead head);

    [Alias("Length")]
    Task<int> GetLengthAsync();
}
