namespace Grader.Queue;

/// <summary>Which kind of work a queue entry is. Interactive work is a person waiting for a verdict;
/// batch work (an evaluation of a class, a rejudge) yields to it by <c>Queue:BatchShare</c>.</summary>
public enum QueueLane
{
    Interactive,
    Batch,
}

public static class QueueLanes
{
    /// <summary>The task sources staff start for many students at once.</summary>
    public static readonly IReadOnlyList<string> BatchSources = ["evaluation", "rejudge"];

    public static QueueLane For(string source) => BatchSources.Contains(source, StringComparer.Ordinal) ? QueueLane.Batch : QueueLane.Interactive;
}
