namespace Grader.Queue;

/// <summary>Which lane the next dequeue serves. When both lanes wait, batch work gets at most
/// <see cref="Share"/> of those dequeues (and never less than that, rounded down, so it is not starved);
/// a lane that waits alone gets every dequeue, so a slot never idles while anything waits. Only
/// contested dequeues count: a quiet night of batch work does not buy it a burst in the morning.</summary>
public sealed class BatchShare(decimal share)
{
    private long _contested;
    private long _batch;

    public decimal Share { get; } = share is >= 0 and <= 1 ? share : throw new ArgumentOutOfRangeException(nameof(share), share, "A share is between 0 and 1.");

    /// <summary>The lane to serve next, or null when neither waits. Does not change anything.</summary>
    public QueueLane? Next(bool interactiveWaits, bool batchWaits) => (interactiveWaits, batchWaits) switch
    {
        (false, false) => null,
        (true, false) => QueueLane.Interactive,
        (false, true) => QueueLane.Batch,
        _ => _batch + 1 <= Share * (_contested + 1) ? QueueLane.Batch : QueueLane.Interactive,
    };

    /// <summary>Counts a dequeue that was served from <paramref name="lane"/>, when both lanes waited.</summary>
    public void Served(QueueLane lane, bool contested)
    {
        if (!contested)
        {
            return;
        }

        _contested++;
        _batch += lane == QueueLane.Batch ? 1 : 0;
    }
}
