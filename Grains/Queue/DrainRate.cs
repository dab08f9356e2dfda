namespace Grader.Queue;

/// <summary>The measured service rate: how many entries were confirmed per second recently. A queue
/// drains at the speed of its runners, so this is what an estimated start is based on.</summary>
public sealed class DrainRate(int capacity = 64)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);
    private readonly Queue<DateTimeOffset> _confirms = new();

    public void Record(DateTimeOffset at)
    {
        _confirms.Enqueue(at);
        while (_confirms.Count > capacity)
        {
            _confirms.Dequeue();
        }
    }

    public double PerSecond(DateTimeOffset now)
    {
        while (_confirms.Count > 0 && _confirms.Peek() < now - Window)
        {
            _confirms.Dequeue();
        }

        if (_confirms.Count < 2)
        {
            return 0;
        }

        // From the oldest sample to now, so a queue that stopped draining reads as slower.
        var span = (now - _confirms.Peek()).TotalSeconds;
        return span <= 0 ? 0 : (_confirms.Count - 1) / span;
    }
}
