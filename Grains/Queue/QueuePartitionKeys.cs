namespace Grader.Queue;

/// <summary>Partition grain keys: interactive shards are 0…N-1 as before, batch shards start at
/// <see cref="BatchOffset"/>, well above the largest <c>Queue:Partitions</c>.</summary>
public static class QueuePartitionKeys
{
    public const int BatchOffset = 1000;

    public static int KeyOf(QueueLane lane, int shard) => lane == QueueLane.Batch ? BatchOffset + shard : shard;

    public static QueueLane LaneOf(int key) => key >= BatchOffset ? QueueLane.Batch : QueueLane.Interactive;

    public static int ShardOf(int key) => key >= BatchOffset ? key - BatchOffset : key;
}
