using System.Diagnostics;
using System.Globalization;

namespace Grader.Bench.Report;

/// <summary><c>all [--quick] [--only name,...]</c>: runs every measure of <see cref="MeasureCatalog"/> one after another and
/// writes bench/results/latest.md and latest.json. A measure that throws is recorded as such; its goals
/// then read "not measured", and the others still run.</summary>
internal static class AllCommand
{
    public static async Task<int> RunAsync(bool quick, IReadOnlyCollection<string> only)
    {
        var started = DateTimeOffset.UtcNow;
        var loadBefore = MachineInfo.LoadAverage();
        var machine = await MachineInfo.ReadAsync();
        var results = new List<GoalResult>();
        var runs = new List<MeasureRun>();
        foreach (var measure in MeasureCatalog.All.Where(m => only.Count == 0 || only.Contains(m.Name)))
        {
            Console.WriteLine($"[all] {measure.Name}{(quick ? " (quick)" : "")} at {DateTime.UtcNow:HH:mm:ss} UTC, load {MachineInfo.LoadAverage()[0]:0.0}");
            var clock = Stopwatch.StartNew();
            string? error = null;
            try
            {
                var rows = await measure.GoalsAsync(quick);
                results.AddRange(rows);
                foreach (var row in rows)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[all]   {row.Measure}: {row.Value:0.###} {row.Unit} (floor {row.Floor:0.###}) {(row.Met ? "met" : "MISSED")}"));
                }
            }
            catch (Exception e)
            {
                error = $"{e.GetType().Name}: {e.Message}";
                Console.Error.WriteLine($"[all] {measure.Name} failed: {e}");
            }

            runs.Add(new MeasureRun(measure.Name, clock.Elapsed.TotalSeconds, error));
        }

        var report = new BenchReport(quick, started, DateTimeOffset.UtcNow, machine, loadBefore, MachineInfo.LoadAverage(), runs, results);
        var directory = Path.Combine(Pipeline.StackEnvironment.RepoRoot, "bench", "results");
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "latest.md"), ReportWriter.Markdown(report));
        await File.WriteAllTextAsync(Path.Combine(directory, "latest.json"), ReportWriter.Json(report));
        Console.WriteLine(ReportWriter.Markdown(report));
        return runs.Any(r => r.Error is not null) ? 1 : 0;
    }
}

/// <summary>How one measure went: its wall time, and why it failed if it did.</summary>
internal sealed record MeasureRun(string Name, double Seconds, string? Error);

/// <summary>Everything one run of <c>all</c> records.</summary>
internal sealed record BenchReport(bool Quick, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, MachineInfo Machine,
    double[] LoadBefore, double[] LoadAfter, IReadOnlyList<MeasureRun> Measures, IReadOnlyList<GoalResult> Results);
