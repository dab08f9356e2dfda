namespace Grader.Web.Charts;

/// <summary>The pure part of the charts: SQL returns only the days, verdicts and buckets that have tasks;
/// these give every chart its full, ordered axis.</summary>
public static class ChartShapes
{
    public const int ScoreBuckets = 10;

    /// <summary>Every day from <paramref name="first"/> to <paramref name="last"/>, with zero for days without tasks.</summary>
    public static IReadOnlyList<DailyCount> EveryDay(IEnumerable<DailyCount> counted, DateOnly first, DateOnly last)
    {
        var byDay = counted.ToDictionary(c => c.Day, c => c.Tasks);
        var days = new List<DailyCount>();
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            days.Add(new DailyCount(day, byDay.GetValueOrDefault(day)));
        }

        return days;
    }

    /// <summary>One series per verdict (in the given order, then any other seen), each with a count per assignment.</summary>
    public static VerdictsChart Verdicts(IEnumerable<(string Assignment, string Status, long Tasks)> counted, IReadOnlyList<string> statusOrder)
    {
        var rows = counted.ToList();
        var assignments = rows.Select(r => r.Assignment).Distinct().Order(StringComparer.Ordinal).ToList();
        var seen = rows.Select(r => r.Status).ToHashSet();
        var statuses = statusOrder.Where(seen.Contains).Concat(seen.Except(statusOrder).Order(StringComparer.Ordinal)).ToList();
        var series = statuses.Select(status => new VerdictSeries(status, assignments
            .Select(a => rows.Where(r => r.Assignment == a && r.Status == status).Sum(r => r.Tasks)).ToList())).ToList();
        return new VerdictsChart(assignments, series);
    }

    /// <summary>Most failed first: the lowest pass rate, then the most failures, then by name for a stable order.</summary>
    public static IReadOnlyList<ScenarioPassRate> MostFailedFirst(IEnumerable<ScenarioPassRate> scenarios) => scenarios
        .OrderBy(s => s.Rate)
        .ThenByDescending(s => s.Tasks - s.Passed)
        .ThenBy(s => s.AssignmentId, StringComparer.Ordinal)
        .ThenBy(s => s.ScenarioId, StringComparer.Ordinal)
        .ToList();

    /// <summary>Which of the ten buckets a score falls in; a full score goes in the last one, and an
    /// assignment worth nothing counts as zero.</summary>
    public static int BucketOf(decimal score, decimal maxScore) =>
        maxScore <= 0 ? 0 : (int)Math.Clamp(Math.Floor(score * ScoreBuckets / maxScore), 0, ScoreBuckets - 1);

    public static IReadOnlyList<ScoreBucket> Buckets(IEnumerable<(int Bucket, long Tasks)> counted)
    {
        var byBucket = counted.GroupBy(c => c.Bucket).ToDictionary(g => g.Key, g => g.Sum(c => c.Tasks));
        var width = 100 / ScoreBuckets;
        return Enumerable.Range(0, ScoreBuckets).Select(b => new ScoreBucket(b * width, (b + 1) * width, byBucket.GetValueOrDefault(b))).ToList();
    }

    /// <summary>How wide one point of the slots chart is (the busiest sample in it is drawn), so a window of
    /// any length draws at most about <paramref name="points"/> points per host, and none narrower than a minute.</summary>
    public static TimeSpan SlotBin(int days, int points = 240) =>
        TimeSpan.FromSeconds(Math.Max(60, Math.Ceiling(TimeSpan.FromDays(days).TotalSeconds / points)));
}
