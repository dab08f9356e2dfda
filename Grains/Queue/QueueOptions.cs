using System.ComponentModel.DataAnnotations;

namespace Grader.Queue;

/// <summary>How the task queue is spread and how long a runner may hold an entry. Section: <c>Queue</c>.
/// Every silo of a cluster must use the same <see cref="Partitions"/>.</summary>
public sealed class QueueOptions
{
    public const string Section = "Queue";

    /// <summary>Queue partitions (users are hashed to one). More spread submissions over more grains
    /// and silos; each dequeue asks every partition for its head, so keep it modest.</summary>
    [Range(1, 64)]
    public int Partitions { get; set; } = 8;

    /// <summary>How long a dequeued entry waits for its runner to confirm or return it before it goes
    /// back in line by itself. A lease of a host that membership declares dead goes back sooner.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>When interactive submissions and batch work (evaluations, rejudges) both wait, the share
    /// of dequeues batch work gets at most; when nothing interactive waits it gets all of them.</summary>
    [Range(typeof(decimal), "0", "1")]
    public decimal BatchShare { get; set; } = 0.25m;

    /// <summary>How long a runner whose silo is gone stays listed as unreachable before it is forgotten.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan UnreachableRetention { get; set; } = TimeSpan.FromMinutes(30);
}
