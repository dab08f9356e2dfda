using Grader.Database;
using Grader.Queue;
using Grader.Web.Auth.Http;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Grader.Web.Status;

public sealed record DayCount(DateOnly Day, long Tasks);

public sealed record UserCount(string UserId, long Tasks);

public sealed record DashboardResponse(
    int QueueLength,
    IReadOnlyList<DayCount> TasksPerDay,
    IReadOnlyDictionary<string, long> TaskStatuses,
    IReadOnlyDictionary<string, long> StepOutcomes,
    IReadOnlyList<UserCount> MostActiveUsers);

/// <summary>What the reference system's dashboard shows (tests per day, verdict breakdown, queue length,
/// most active users), from the read model over the last <c>days</c> days.</summary>
public static class DashboardApi
{
    // Only the attempt that decided a finished task counts: an attempt lost on our side was rerun.
    private const string FinalAttemptOutcomes = """
        SELECT v.outcome, count(*)
        FROM step_verdict v JOIN task_summary t ON t.task_id = v.task_id AND t.attempt = v.attempt
        WHERE v.reported_at >= @since AND t.status IN ('Completed', 'Failed', 'Cancelled')
        GROUP BY 1
        """;

    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder app)
    {
        // Who submits how much is staff business.
        app.MapGet("/api/dashboard", GetAsync).RequireAuthorization(AuthSchemes.StaffPolicy);
        return app;
    }

    public static async Task<DashboardResponse> GetAsync(IOptions<DatabaseOptions> options, IGrainFactory grains, CancellationToken ct, int days = 30)
    {
        var since = DateTimeOffset.UtcNow.AddDays(-Math.Clamp(days, 1, 365));
        await using var connection = new NpgsqlConnection(options.Value.ConnectionString());
        await connection.OpenAsync(ct);
        var perDay = await QueryAsync(connection, "SELECT (created_at AT TIME ZONE 'UTC')::date, count(*) FROM task_summary WHERE created_at >= @since GROUP BY 1 ORDER BY 1",
            since, r => new DayCount(DateOnly.FromDateTime(r.GetDateTime(0)), r.GetInt64(1)), ct);
        var statuses = await QueryAsync(connection, "SELECT status, count(*) FROM task_summary WHERE created_at >= @since GROUP BY 1",
            since, r => (r.GetString(0), r.GetInt64(1)), ct);
        var outcomes = await QueryAsync(connection, FinalAttemptOutcomes,
            since, r => (r.GetString(0), r.GetInt64(1)), ct);
        var users = await QueryAsync(connection, "SELECT user_id, count(*) FROM task_summary WHERE created_at >= @since GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10",
            since, r => new UserCount(r.GetString(0), r.GetInt64(1)), ct);
        return new DashboardResponse(await grains.GetGrain<ITaskQueueGrain>(0).GetLengthAsync(), perDay,
            statuses.ToDictionary(s => s.Item1, s => s.Item2), outcomes.ToDictionary(o => o.Item1, o => o.Item2), users);
    }

    private static async Task<List<T>> QueryAsync<T>(NpgsqlConnection connection, string sql, DateTimeOffset since, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("since", since);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
