namespace Grader.Bench.Report;

/// <summary>The goals table of issue 15, in its order. The report shows every one of these, measured or
/// not, so a goal whose measure is missing from a run reads "not measured" instead of disappearing.
/// A measure's <see cref="GoalResult.Measure"/> names the row it answers with these exact strings.</summary>
internal static class IssueGoals
{
    public const string Burst = "burst: 10,000 submissions from 500 concurrent clients";
    public const string QueueCost = "queue operation cost at 10,000 queued";
    public const string Position = "position and estimate for the last of 10,000";
    public const string Overhead = "overhead per task vs a bare engine loop doing the same work";
    public const string Throughput = "throughput vs that bare loop at equal concurrency";
    public const string Streams = "2,000 live streams during the burst";
    public const string Memory = "web and silo RSS after 10,000 tasks";
    public const string Matcher = "matcher, 1 MB bodies";
    public const string WarmClone = "isolated task on a 1 GB template: claim to container start";

    public static IReadOnlyList<(string Measure, string Goal)> All { get; } =
    [
        (Burst, "0 errors, 0 lost, p99 accept under 100 ms; every task completes once"),
        (QueueCost, "within 2× its cost at 100 queued"),
        (Position, "under 5 ms"),
        (Overhead, "at most 1.05×"),
        (Throughput, "at least 0.95×"),
        (Streams, "p99 event delay under 1 s, none lost"),
        (Memory, "under 1 GB together, flat in the last 5,000"),
        (Matcher, "at least 0.5× a System.Text.Json parse"),
        (WarmClone, "under 200 ms with a warm pool (cold clone time beside it)"),
    ];
}
