namespace Grader.Queue;

/// <summary>How soon a user's next task leaves: the user served longest ago goes first (never served is
/// 0, before everyone), and among users never served, the one whose oldest task arrived first. This is
/// <see cref="FairQueue"/>'s rule as a sortable key, so partitions can be merged by comparing heads.</summary>
[GenerateSerializer, Immutable, Alias("grader.QueueHead")]
public readonly record struct QueueHead(
    [property: Id(0)] long LastServed,
    [property: Id(1)] long HeadSeq) : IComparable<QueueHead>
{
    public int CompareTo(QueueHead other)
    {
        var served = LastServed.CompareTo(other.LastServed);
        return served != 0 ? served : HeadSeq.CompareTo(other.HeadSeq);
    }

    public static bool operator <(QueueHead a, QueueHead b) => a.CompareTo(b) < 0;

    public static bool operator >(QueueHead a, QueueHead b) => a.CompareTo(b) > 0;

    public static bool operator <=(QueueHead a, QueueHead b) => a.CompareTo(b) <= 0;

    public static bool operator >=(QueueHead a, QueueHead b) => a.CompareTo(b) >= 0;
}

/// <summary>Which partition holds a user's tasks, and which partition goes next. A user lives in one
/// partition, so each user's own order and last turn stay local; only heads are compared across.</summary>
public static class QueueShards
{
    /// <summary>FNV-1a over the UTF-16 code units: stable across processes and releases, unlike
    /// string.GetHashCode, because stored rows are re-sharded by it at load.</summary>
    public static int HashOf(string userId)
    {
        var hash = 2166136261u;
        foreach (var c in userId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash & 0x7fffffff);
    }

    public static int PartitionOf(string userId, int partitions) => HashOf(userId) % partitions;

    /// <summary>The partition whose head goes first, and the best head among the others (the bound its
    /// head must still beat when the dequeue arrives there); null when every partition is empty.</summary>
    public static (int Partition, QueueHead? Bound)? Pick(IReadOnlyList<QueueHead?> heads)
    {
        var best = -1;
        QueueHead? bound = null;
        for (var i = 0; i < heads.Count; i++)
        {
            if (heads[i] is not { } head)
            {
                continue;
            }

            if (best < 0 || head < heads[best]!.Value)
            {
                bound = best < 0 ? bound : heads[best];
                best = i;
            }
            else if (bound is null || head < bound.Value)
            {
                bound = head;
            }
        }

        return best < 0 ? null : (best, bound);
    }
}
