using Grader.Database;
using Npgsql;

namespace Grader.Web.Charts;

/// <summary>The staff charts' numbers, from the read model. A task counts once, as its summary row (its final
/// attempt) says; step-level numbers come from that attempt's scenario scores. Every filter is a bound parameter.</summary>
public sealed class ChartQueries(GraderDataSource database, TimeProvider clock)
{
    private const string InWindow = "created_at >= @since AND (@assignment::text IS NULL OR assignment_id = @assignment)";

    private static readonly string[] StatusOrder = ["Completed", "Failed", "Cancelled", "Superseded", "Queued", "Preparing", "Starting", "Testing"];

    private readonly NpgsqlDataSource _dataSource = database.Source;

    public async Task<IReadOnlyList<DailyCount>> SubmissionsAsync(ChartFilter filter, CancellationToken ct)
    {
        var since = filter.Since(clock.GetUtcNow());
        var counted = await QueryAsync(filter, $"SELECT (created_at AT TIME ZONE 'UTC')::date, count(*) FROM task_summary WHERE {InWindow} GROUP BY 1",
            r => new DailyCount(DateOnly.FromDateTime(r.GetDateTime(0)), r.GetInt64(1)), ct);
        return ChartShapes.EveryDay(counted, DateOnly.FromDateTime(since.UtcDateTime), DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
    }

    public async Task<VerdictsChart> VerdictsAsync(ChartFilter filter, CancellationToken ct) =>
        ChartShapes.Verdicts(await QueryAsync(filter, $"SELECT assignment_id, status, count(*) FROM task_summary WHERE {InWindow} GROUP BY 1, 2",
            r => (r.GetString(0), r.GetString(1), r.GetInt64(2)), ct), StatusOrder);

    /// <summary>A task passes a scenario when every step of it passed in the attempt that counted.</summary>
    public async Task<IReadOnlyList<ScenarioPassRate>> ScenariosAsync(ChartFilter filter, CancellationToken ct) =>
        ChartShapes.MostFailedFirst(await QueryAsync(filter, $"""
            SELECT assignment_id, s.key, count(*) FILTER (WHERE s.value->>'outcome' = 'Passed'), count(*)
            FROM task_summary, jsonb_each(coalesce(scenario_scores, jsonb_build_object())) AS s
            WHERE status = 'Completed' AND {InWindow}
            GROUP BY 1, 2
            """, r => new ScenarioPassRate(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3)), ct));

    public async Task<IReadOnlyList<ScoreBucket>> ScoresAsync(ChartFilter filter, CancellationToken ct) =>
        ChartShapes.Buckets((await QueryAsync(filter, $"SELECT score, max_score FROM task_summary WHERE status = 'Completed' AND {InWindow}",
            r => (r.GetDecimal(0), r.GetDecimal(1)), ct)).Select(s => (ChartShapes.BucketOf(s.Item1, s.Item2), 1L)));

    public Task<List<LatencyDay>> LatencyAsync(ChartFilter filter, CancellationToken ct) => QueryAsync(filter, $"""
        SELECT (created_at AT TIME ZONE 'UTC')::date, count(*),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at)),
               percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at)),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - created_at)),
               percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - created_at))
        FROM task_summary
        WHERE status = 'Completed' AND started_at IS NOT NULL AND finished_at IS NOT NULL AND {InWindow}
        GROUP BY 1 ORDER BY 1
        """, r => new LatencyDay(DateOnly.FromDateTime(r.GetDateTime(0)), r.GetInt64(1), r.GetDouble(2), r.GetDouble(3), r.GetDouble(4), r.GetDouble(5)), ct);

    /// <summary>Hosts are shared by every assignment, so this chart ignores the assignment filter.</summary>
    public async Task<IReadOnlyList<HostSlots>> SlotsAsync(ChartFilter filter, CancellationToken ct)
    {
        await using var command = _dataSource.CreateCommand("""
            SELECT host, date_bin(@bin, sampled_at, @since), max(in_use), max(slots)
            FROM host_slot_sample WHERE sampled_at >= @since
            GROUP BY 1, 2 ORDER BY 1, 2
            """);
        command.Parameters.AddWithValue("bin", ChartShapes.SlotBin(filter.Days));
        command.Parameters.AddWithValue("since", filter.Since(clock.GetUtcNow()));
        var rows = new List<(string Host, SlotPoint Point, int Slots)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.GetString(0), new SlotPoint(reader.GetFieldValue<DateTimeOffset>(1), reader.GetInt32(2)), reader.GetInt32(3)));
        }

        return rows.GroupBy(r => r.Host).Select(g => new HostSlots(g.Key, g.Max(r => r.Slots), g.Select(r => r.Point).ToList())).ToList();
    }

    private async Task<List<T>> QueryAsync<T>(ChartFilter filter, string sql, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        await using var command = _dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("since", filter.Since(clock.GetUtcNow()));
        command.Parameters.AddWithValue("assignment", (object?)filter.AssignmentId ?? DBNull.Value);
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
