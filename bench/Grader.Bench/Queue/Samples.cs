using System.Diagnostics;
using System.Globalization;

namespace Grader.Bench.Queue;

/// <summary>Latency samples in milliseconds, and the one-line report the queue benchmark prints.</summary>
internal sealed class Samples(string name)
{
    private readonly List<double> _ms = [];

    public string Name { get; } = name;

    public int Count => _ms.Count;

    /// <summary>The samples in the order they were taken.</summary>
    public IReadOnlyList<double> Values
    {
        get
        {
            lock (_ms)
            {
                return [.. _ms];
            }
        }
    }

    public double P50 => Percentile(0.5);

    public double P99 => Percentile(0.99);

    public void Add(double ms)
    {
        lock (_ms)
        {
            _ms.Add(ms);
        }
    }

    public async Task<T> TimeAsync<T>(Func<Task<T>> operation)
    {
        var clock = Stopwatch.StartNew();
        var result = await operation();
        Add(clock.Elapsed.TotalMilliseconds);
        return result;
    }

    public async Task TimeAsync(Func<Task> operation)
    {
        var clock = Stopwatch.StartNew();
        await operation();
        Add(clock.Elapsed.TotalMilliseconds);
    }

    public string Row() => string.Create(CultureInfo.InvariantCulture, $"| {Name} | {Count} | {P50:0.000} | {P99:0.000} |");

    private double Percentile(double p)
    {
        var sorted = Values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, Math.Round(p * (sorted.Count - 1)))];
    }
}
