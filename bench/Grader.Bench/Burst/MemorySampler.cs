using System.Diagnostics;
using System.Globalization;

namespace Grader.Bench.Burst;

/// <summary>The resident memory of the web and silo processes, read from /proc once a second together with
/// how many of the burst's tasks had finished by then.</summary>
internal sealed class MemorySampler(Process web, Process silo, Func<Task<int>> finished) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<MemorySample> _samples = [];
    private Task? _loop;

    public IReadOnlyList<MemorySample> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    public static double RssMb(Process process)
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    public void Start() => _loop = Task.Run(async () =>
    {
        while (!_stop.IsCancellationRequested)
        {
            await SampleAsync();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    });

    public async Task SampleAsync()
    {
        var done = await finished();
        var sample = new MemorySample(DateTimeOffset.UtcNow, done, RssMb(web), RssMb(silo));
        lock (_samples)
        {
            _samples.Add(sample);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _stop.Dispose();
    }
}

/// <summary>One reading: when, how many tasks had finished, each process's RSS in MB.</summary>
internal sealed record MemorySample(DateTimeOffset At, int Finished, double WebMb, double SiloMb)
{
    public double TotalMb => WebMb + SiloMb;

    /// <summary>The least-squares slope of total RSS against finished tasks, in MB per 1,000 tasks, over
    /// the samples taken once at least <paramref name="from"/> tasks had finished.</summary>
    public static double SlopePer1000(IReadOnlyList<MemorySample> samples, int from) => SlopePer1000(samples, from, s => s.TotalMb);

    /// <summary>The same slope for one part of the total (<paramref name="mb"/>: the web's or the silo's RSS).</summary>
    public static double SlopePer1000(IReadOnlyList<MemorySample> samples, int from, Func<MemorySample, double> mb)
    {
        var tail = samples.Where(s => s.Finished >= from).ToList();
        if (tail.Count < 3 || tail.Max(s => s.Finished) == tail.Min(s => s.Finished))
        {
            return double.NaN;
        }

        var (mx, my) = (tail.Average(s => (double)s.Finished), tail.Average(mb));
        var slope = tail.Sum(s => (s.Finished - mx) * (mb(s) - my)) / tail.Sum(s => (s.Finished - mx) * (s.Finished - mx));
        return slope * 1000;
    }
}
