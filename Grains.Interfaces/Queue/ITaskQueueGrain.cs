namespace Grader.Queue;

[GenerateSerializer, Immutable, Alias("grader.QueueEntry")]
public sealed record QueueEntry(
    [property: Id(0)] Guid TaskId,
    [property: Id(1)] string UserId,
    [property: Id(2)] DateTimeOffset EnqueuedAt);

/// <summary>The durable queue runners pull from. One per cluster (key 0).</summary>
[Alias("grader.ITaskQueueGrain")]
public interface ITaskQueueGrain : IGrainWithIntegerKey
{
    [Alias("Enqueue")]
    Task EnqueueAsync(QueueEntry entry);

    /// <summary>The next task for a free slot, rotating between users; null when the queue is empty.</summary>
    [Alias("Dequeue")]
    Task<QueueEntry?> DequeueAsync(string host);

    [Alias("Remove")]
    Task RemoveAsync(Guid taskId);

    /// <summary>0-based place in line, or null if the task is not waiting.</summary>
    [Alias("Position")]
    Task<int?> GetPositionAsync(Guid taskId);

    [Alias("Length")]
    Task<int> GetLengthAsync();

    /// <summary>Runners register so the queue can wake them when work arrives.</summary>
    [Alias("RegisterRunner")]
    Task RegisterRunnerAsync(string host);
}
