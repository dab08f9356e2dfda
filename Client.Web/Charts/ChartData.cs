namespace Grader.Web.Charts;

/// <summary>Which tasks the charts count: those created in the last <see cref="Days"/> days, of one
/// assignment or of all. Each task counts once, with its final attempt.</summary>
public sealed record ChartFilter(string? AssignmentId, int Days)
{
    public const int DefaultDays = 30;

    public static ChartFilter Of(string? assignmentId, int? days) =>
        new(string.IsNullOrWhiteSpace(assignmentId) ? null : assignmentId.Trim(), Math.Clamp(days ?? DefaultDays, 1, 365));

    public DateTimeOffset Since(DateTimeOffset now) => new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(1 - Days);
}

public sealed record DailyCount(DateOnly Day, long Tasks);

public sealed record VerdictSeries(string Status, IReadOnlyList<long> Counts);

/// <summary>Tasks per assignment and verdict: <see cref="VerdictSeries.Counts"/> line up with <see cref="Assignments"/>.</summary>
public sealed record VerdictsChart(IReadOnlyList<string> Assignments, IReadOnlyList<VerdictSeries> Series);

public sealed record ScenarioPassRate(string AssignmentId, string ScenarioId, long Passed, long Tasks)
{
    public double Rate => Tasks == 0 ? 0 : (double)Passed / Tasks;
}

/// <summary>Tasks whose score was at least <see cref="FromPercent"/> and below <see cref="ToPercent"/> of the
/// maximum (the last bucket includes 100 %).</summary>
public sealed record ScoreBucket(int FromPercent, int ToPercent, long Tasks);

/// <summary>From submission to the start of the attempt that counted (wait) and to its verdict (result), in seconds.</summary>
public sealed record LatencyDay(DateOnly Day, long Tasks, double MedianWait, double P90Wait, double MedianResult, double P90Result);

public sealed record SlotPoint(DateTimeOffset At, int InUse);

public sealed record HostSlots(string Host, int Slots, IReadOnlyList<SlotPoint> Points)
{
    public int Peak => Points.Count == 0 ? 0 : Points.Max(p => p.InUse);
}
