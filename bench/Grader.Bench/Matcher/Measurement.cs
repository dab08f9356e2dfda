using System.Diagnostics;

namespace Grader.Bench.Matcher;

/// <summary>One measured case: how long an operation on a body takes, as throughput over the body's bytes.</summary>
internal sealed record Measurement(string Case, long Bytes, int Operations, TimeSpan Elapsed)
{
    public double MillisecondsPerOperation => Elapsed.TotalMilliseconds / Operations;

    public double MegabytesPerSecond => Bytes * (double)Operations / (1024 * 1024) / Elapsed.TotalSeconds;

    /// <summary>Warms up (JIT, caches), then repeats the operation for at least the given time.</summary>
    public static Measurement Of(string name, long bytes, TimeSpan duration, Func<int> operation)
    {
        var sink = 0;
        for (var i = 0; i < 3; i++)
        {
            sink += operation();
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var clock = Stopwatch.StartNew();
        var operations = 0;
        while (clock.Elapsed < duration || operations < 5)
        {
            sink += operation();
            operations++;
        }

        clock.Stop();
        // The sink keeps the work observable so the JIT cannot drop it.
        return sink == int.MinValue ? throw new InvalidOperationException() : new Measurement(name, bytes, operations, clock.Elapsed);
    }
}
