namespace Grader.Queue;

/// <summary>Arrival sequences and turns for the partitions: wall-clock ticks, made strictly increasing and
/// never below a floor the caller has seen elsewhere (a hybrid logical clock). Partitions on different
/// silos then agree on "served longest ago" without talking to each other, and a silo whose clock lags
/// still hands out turns later than any it has seen.</summary>
public sealed class QueueClock(Func<long> now)
{
    private long _last;

    public QueueClock(TimeProvider time)
        : this(() => time.GetUtcNow().UtcTicks)
    {
    }

    public long Next(long floor = 0)
    {
        var next = Math.Max(now(), Math.Max(_last, floor) + 1);
        _last = next;
        return next;
    }

    /// <summary>After a restart, continue above everything stored.</summary>
    public void Observe(long stored) => _last = Math.Max(_last, stored);
}
