namespace Grader.Queue;

/// <param name="Lane">Interactive or batch work; each lane keeps its own rotation between users.</param>
[GenerateSerializer, Immutable, Alias("grader.QueueEntry")]
public sealed record QueueEntry(
    [property: Id(0)] Guid TaskId,
    [property: Id(1)] string UserId,
    [property: Id(2)] DateTimeOffset EnqueuedAt,
    [property: Id(3)] QueueLane Lane = QueueLane.Interactive);

/// <summary>Names one lease: the partition that handed it out and a token that is never reused, so a
/// confirm or return that arrives after the partition restarted matches nothing.</summary>
[GenerateSerializer, Immutable, Alias("grader.QueueLeaseId")]
public sealed record QueueLeaseId(
    [property: Id(0)] int Partition,
    [property: Id(1)] Guid Token);

/// <summary>An entry handed to a runner. It is still in the queue until the runner confirms the lease
/// (the claim succeeded); a returned or expired lease puts it back at its old place.</summary>
[GenerateSerializer, Immutable, Alias("grader.QueueLease")]
public sealed record QueueLease(
    [property: Id(0)] QueueEntry Entry,
    [property: Id(1)] QueueLeaseId Id,
    [property: Id(2)] DateTimeOffset ExpiresAt);

/// <summary>Where a waiting task stands: how many tasks leave before it if nothing else arrives, and
/// when it should start at the rate the queue has been draining (null before anything was measured).</summary>
[GenerateSerializer, Immutable, Alias("grader.QueuePlace")]
public sealed record QueuePlace(
    [property: Id(0)] int Ahead,
    [property: Id(1)] DateTimeOffset? EstimatedStartAt);

public enum RunnerLiveness
{
    /// <summary>Its silo is active in the cluster; it is woken when work arrives.</summary>
    Active,
    /// <summary>Membership declared its silo dead, or it is not in the cluster; it is no longer woken
    /// and is forgotten after a while unless it registers again.</summary>
    Unreachable,
}

[GenerateSerializer, Immutable, Alias("grader.RunnerRegistration")]
public sealed record RunnerRegistration(
    [property: Id(0)] string Host,
    [property: Id(1)] RunnerLiveness Liveness,
    [property: Id(2)] DateTimeOffset RegisteredAt,
    [property: Id(3)] DateTimeOffset? UnreachableSince);

/// <summary>The durable queue runners pull from: one door (key 0) in front of the partitions, so callers
/// never need to know how entries are spread.</summary>
[Alias("grader.ITaskQueueGrain")]
public interface ITaskQueueGrain : IGrainWithIntegerKey
{
    /// <summary>Stores the entry (once: a task already waiting or leased is left as it is) and wakes the
    /// runners without waiting for them.</summary>
    [Alias("Enqueue")]
    Task EnqueueAsync(QueueEntry entry);

    /// <summary>Leases the next task for a free slot, rotating between users across all partitions;
    /// null when nothing waits. Confirm the lease when the claim succeeded, return it when it failed.</summary>
    [Alias("Dequeue")]
    Task<QueueLease?> DequeueAsync(string host);

    /// <summary>The claim succeeded: the entry leaves the queue. False if the lease had already expired,
    /// was returned, or its task was removed.</summary>
    [Alias("Confirm")]
    Task<bool> ConfirmAsync(QueueLeaseId lease);

    /// <summary>The claim failed: the entry is back in line at once, at its old place.</summary>
    [Alias("Return")]
    Task<bool> ReturnAsync(QueueLeaseId lease);

    [Alias("Remove")]
    Task RemoveAsync(Guid taskId);

    /// <summary>Whether the task is waiting or leased: one dictionary lookup in its user's partition.</summary>
    [Alias("IsQueued")]
    Task<bool> IsQueuedAsync(Guid taskId, string userId);

    /// <summary>0-based place in line, or null if the task is not waiting.</summary>
    [Alias("Position")]
    Task<int?> GetPositionAsync(Guid taskId);

    /// <summary>Place in line and estimated start, or null if the task is not waiting.</summary>
    [Alias("Place")]
    Task<QueuePlace?> GetPlaceAsync(Guid taskId);

    /// <summary>The same, for a task whose user is known: its entry is looked up in that user's partitions
    /// only, so the answer takes one round of calls fewer and a few partitions' time, not all of them.</summary>
    [Alias("PlaceOfUser")]
    Task<QueuePlace?> GetPlaceAsync(Guid taskId, string userId);

    [Alias("Length")]
    Task<int> GetLengthAsync();

    /// <summary>Runners register so the queue can wake them when work arrives.</summary>
    [Alias("RegisterRunner")]
    Task RegisterRunnerAsync(string host);

    /// <summary>Every runner the queue knows, with whether membership still counts its silo as alive.</summary>
    [Alias("Runners")]
    Task<IReadOnlyList<RunnerRegistration>> GetRunnersAsync();
}
