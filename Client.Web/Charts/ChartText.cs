using System.Globalization;

namespace Grader.Web.Charts;

/// <summary>One sentence per chart for screen readers (the canvas's label); the full numbers are in the
/// table beside each chart.</summary>
public static class ChartText
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    public static string Submissions(IReadOnlyList<DailyCount> days)
    {
        var total = days.Sum(d => d.Tasks);
        if (total == 0)
        {
            return $"No submissions in the last {days.Count} days.";
        }

        var peak = days.MaxBy(d => d.Tasks)!;
        return string.Create(Culture, $"{total} submissions in the last {days.Count} days; the busiest day was {peak.Day:yyyy-MM-dd} with {peak.Tasks}.");
    }

    public static string Verdicts(VerdictsChart chart) => chart.Assignments.Count == 0
        ? "No tasks."
        : string.Join("; ", chart.Series.Select(s => string.Create(Culture, $"{s.Status}: {s.Counts.Sum()}"))) + $" across {chart.Assignments.Count} assignments.";

    public static string Scenarios(IReadOnlyList<ScenarioPassRate> scenarios) => scenarios.Count == 0
        ? "No completed tasks with scenarios."
        : string.Create(Culture, $"{scenarios.Count} scenarios; the most failed is {scenarios[0].ScenarioId} of {scenarios[0].AssignmentId}, passed by {scenarios[0].Rate:P0} of {scenarios[0].Tasks} tasks.");

    public static string Scores(IReadOnlyList<ScoreBucket> buckets)
    {
        var total = buckets.Sum(b => b.Tasks);
        if (total == 0)
        {
            return "No completed tasks.";
        }

        var top = buckets.MaxBy(b => b.Tasks)!;
        return string.Create(Culture, $"{total} completed tasks; most ({top.Tasks}) scored {top.FromPercent}–{top.ToPercent} % of the maximum.");
    }

    public static string Latency(IReadOnlyList<LatencyDay> days) => days.Count == 0
        ? "No completed tasks."
        : string.Create(Culture, $"Over {days.Count} days, the median queue wait ranged {days.Min(d => d.MedianWait):0.#}–{days.Max(d => d.MedianWait):0.#} s and the median time to result {days.Min(d => d.MedianResult):0.#}–{days.Max(d => d.MedianResult):0.#} s.");

    public static string Slots(IReadOnlyList<HostSlots> hosts) => hosts.Count == 0
        ? "No slot samples yet."
        : string.Join("; ", hosts.Select(h => string.Create(Culture, $"{h.Host}: at most {h.Peak} of {h.Slots} slots in use"))) + ".";
}
