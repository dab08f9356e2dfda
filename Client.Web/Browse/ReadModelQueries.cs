using Grader.Database;
using Npgsql;

namespace Grader.Web.Browse;

public sealed record TaskRow(Guid TaskId, string UserId, string AssignmentId, string Image, string Source, string Status,
    decimal Score, decimal MaxScore, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt);

public sealed record AssignmentRow(string Id, string Title, string DatabaseMode, int Scenarios, bool Archived = false, DateTimeOffset CreatedAt = default);

/// <summary>What the pages filter by. Null means "any".</summary>
public sealed record TaskFilter(string? UserId, string? AssignmentId, string? Status, DateOnly? From, DateOnly? To, string? Search, int Limit = 200);

/// <summary>Lists and look-ups over the read model, for pages and exports. Every filter is a bound parameter.</summary>
public sealed class ReadModelQueries(GraderDataSource database)
{
    private readonly NpgsqlDataSource _dataSource = database.Source;

    private const string TaskColumns = "task_id, user_id, assignment_id, image, source, status, score, max_score, created_at, finished_at";

    private const string TaskMatches = """
        (@user::text IS NULL OR user_id = @user)
          AND (@assignment::text IS NULL OR assignment_id = @assignment)
          AND (@status::text IS NULL OR status = @status)
          AND (@from::date IS NULL OR created_at >= @from::date)
          AND (@to::date IS NULL OR created_at < @to::date + 1)
          AND (@search::text IS NULL OR user_id ILIKE '%' || @search || '%' OR image ILIKE '%' || @search || '%')
        """;

    public async Task<IReadOnlyList<TaskRow>> TasksAsync(TaskFilter filter, CancellationToken ct)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {TaskColumns} FROM task_summary WHERE {TaskMatches} ORDER BY created_at DESC LIMIT @limit");
        BindTaskFilter(command, filter);
        command.Parameters.AddWithValue("limit", Math.Clamp(filter.Limit, 1, 1000));
        return await ReadTasksAsync(command, ct);
    }

    /// <summary>One page of the tasks that match, newest first, and how many match in all.</summary>
    public async Task<KeysetPage<TaskRow>> TaskPageAsync(TaskFilter filter, PageRequest page, CancellationToken ct)
    {
        var (after, order) = Keyset.Sql(page, "created_at", "task_id");
        var rows = new NpgsqlBatchCommand($"SELECT {TaskColumns} FROM task_summary WHERE {TaskMatches} AND {after} ORDER BY {order} LIMIT @limit");
        var count = new NpgsqlBatchCommand($"SELECT count(*) FROM task_summary WHERE {TaskMatches}");
        foreach (var command in new[] { rows, count })
        {
            BindTaskFilter(command.Parameters, filter);
        }

        return await KeysetQuery.ReadPageAsync(_dataSource, rows, count, page, ReadTask, r => new PageCursor(r.CreatedAt, r.TaskId), ct);
    }

    private static void BindTaskFilter(NpgsqlCommand command, TaskFilter filter) => BindTaskFilter(command.Parameters, filter);

    private static void BindTaskFilter(NpgsqlParameterCollection parameters, TaskFilter filter)
    {
        parameters.AddWithValue("user", (object?)filter.UserId ?? DBNull.Value);
        parameters.AddWithValue("assignment", (object?)filter.AssignmentId ?? DBNull.Value);
        parameters.AddWithValue("status", (object?)filter.Status ?? DBNull.Value);
        parameters.AddWithValue("from", (object?)filter.From ?? DBNull.Value);
        parameters.AddWithValue("to", (object?)filter.To ?? DBNull.Value);
        parameters.AddWithValue("search", filter.Search is { Length: > 0 } s ? EscapeLike(s) : DBNull.Value);
    }

    private static async Task<List<TaskRow>> ReadTasksAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var rows = new List<TaskRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(ReadTask(reader));
        }

        return rows;
    }

    private static TaskRow ReadTask(NpgsqlDataReader reader) =>
        new(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            reader.GetString(5), reader.GetDecimal(6), reader.GetDecimal(7), reader.GetFieldValue<DateTimeOffset>(8),
            reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9));

    /// <summary>The image this user last submitted for this assignment, to prefill the form.</summary>
    public async Task<string?> LastImageAsync(string userId, string assignmentId, CancellationToken ct)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT image FROM task_summary WHERE user_id = @user AND assignment_id = @assignment ORDER BY created_at DESC LIMIT 1");
        command.Parameters.AddWithValue("user", userId);
        command.Parameters.AddWithValue("assignment", assignmentId);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>The assignment this user submitted for last, to preselect it.</summary>
    public async Task<string?> LastAssignmentAsync(string userId, CancellationToken ct)
    {
        await using var command = _dataSource.CreateCommand("SELECT assignment_id FROM task_summary WHERE user_id = @user ORDER BY created_at DESC LIMIT 1");
        command.Parameters.AddWithValue("user", userId);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    public async Task<IReadOnlyList<AssignmentRow>> AssignmentsAsync(CancellationToken ct)
    {
        await using var command = _dataSource.CreateCommand("SELECT assignment_id, title, database_mode, scenarios, archived FROM assignment_summary ORDER BY assignment_id");
        var rows = new List<AssignmentRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new AssignmentRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetBoolean(4)));
        }

        return rows;
    }

    /// <summary>Assignments newest first by (created_at, id), a page at a time.</summary>
    /// <param name="contains">Part of the id or title, any case; null for all.</param>
    /// <param name="archived">Only archived (true) or only current (false) assignments; null for both.</param>
    public async Task<KeysetPage<AssignmentRow>> AssignmentPageAsync(string? contains, bool? archived, PageRequest page, CancellationToken ct)
    {
        const string matches = """
            (@contains::text IS NULL OR assignment_id ILIKE @contains OR title ILIKE @contains)
              AND (@archived::boolean IS NULL OR archived = @archived)
            """;
        var (after, order) = Keyset.Sql(page, "created_at", "assignment_id");
        var pattern = contains is null ? null : $"%{contains.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_")}%";
        var rows = new NpgsqlBatchCommand($"""
            SELECT assignment_id, title, database_mode, scenarios, archived, created_at FROM assignment_summary
            WHERE {matches} AND {after} ORDER BY {order} LIMIT @limit
            """);
        var count = new NpgsqlBatchCommand($"SELECT count(*) FROM assignment_summary WHERE {matches}");
        foreach (var command in new[] { rows, count })
        {
            command.Parameters.AddWithValue("contains", (object?)pattern ?? DBNull.Value);
            command.Parameters.AddWithValue("archived", (object?)archived ?? DBNull.Value);
        }

        return await KeysetQuery.ReadPageAsync(_dataSource, rows, count, page, reader =>
            new AssignmentRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetBoolean(4),
                reader.GetFieldValue<DateTimeOffset>(5)),
            r => new PageCursor(r.CreatedAt, r.Id), ct, textKey: true);
    }

    /// <summary>How long this assignment's recent tasks took from start to verdict (median), if any finished.</summary>
    public async Task<TimeSpan?> TypicalRunTimeAsync(string assignmentId, CancellationToken ct)
    {
        await using var command = _dataSource.CreateCommand("""
            SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at))
            FROM (SELECT started_at, finished_at FROM task_summary
                  WHERE assignment_id = @assignment AND started_at IS NOT NULL AND finished_at IS NOT NULL
                  ORDER BY finished_at DESC LIMIT 50) AS recent
            """);
        command.Parameters.AddWithValue("assignment", assignmentId);
        return await command.ExecuteScalarAsync(ct) is double seconds ? TimeSpan.FromSeconds(seconds) : null;
    }

    private static string EscapeLike(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

}
