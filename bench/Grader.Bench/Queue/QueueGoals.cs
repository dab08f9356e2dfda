using Grader.Bench.Report;

namespace Grader.Bench.Queue;

internal static partial class QueueBenchmark
{
    /// <summary>The report's rows: operation cost at 10,000 vs 100 queued, and the position of the last.
    /// The accept burst is the burst measure's (through the web tier), so it is not repeated here.</summary>
    public static async Task<IReadOnlyList<GoalResult>> GoalsAsync(bool quick)
    {
        var run = await MeasureAsync(quick ? 50 : Cycles, 0, 0);
        var (enqueue100, dequeue100) = run.At[100];
        var (enqueue10k, dequeue10k) = run.At[10_000];
        var enqueueRatio = enqueue10k.P50 / enqueue100.P50;
        var dequeueRatio = dequeue10k.P50 / dequeue100.P50;
        var worse = enqueueRatio >= dequeueRatio ? (Name: "enqueue", At100: enqueue100, At10k: enqueue10k) : (Name: "dequeue + confirm", At100: dequeue100, At10k: dequeue10k);
        var ratio = Math.Max(enqueueRatio, dequeueRatio);
        return
        [
            new GoalResult(IssueGoals.QueueCost, "within 2× its cost at 100 queued", worse.At10k.P50, "ms", worse.At100.P50, ratio <= 2,
                Invariant($"{ratio:0.00}× (the worse of enqueue {enqueueRatio:0.00}×, dequeue + confirm {dequeueRatio:0.00}×; p50 of {worse.At10k.Count} real grain calls each, persisted); the floor is the same operation at 100 queued; a PostgreSQL row insert + delete took {run.FloorRow.P50:0.000} ms p50 (samples: {worse.Name} at 10,000, ms)"),
                worse.At10k.Values),
            new GoalResult(IssueGoals.Position, "under 5 ms", run.Place.P99, "ms", run.FloorCall.P99, run.Place.P99 < 5,
                Invariant($"p99 of {run.Place.Count} warm GetPlaceAsync(task, user) calls for the last of {run.QueuedForPlace:N0} after 300 untimed (p50 {run.Place.P50:0.000} ms; place {run.Seen?.Ahead}, the same as from every partition; the process's first call took {run.ColdPlaceMs:0.0} ms); floor: a trivial call to the same grain (IsQueued), p99; the old FairQueue simulation took {run.OldPositionMs:0} ms"),
                run.Place.Values),
        ];
    }
}
