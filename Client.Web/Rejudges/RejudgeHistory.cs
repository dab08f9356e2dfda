using Grader.Database;

namespace Grader.Web.Rejudges;

/// <summary>One rejudge as the history lists it.</summary>
public sealed record RejudgeListRow(Guid Id, string AssignmentId, string CreatedBy, DateTimeOffset CreatedAt, string Scope, string SuiteVersion,
    int Tasks, int? Changed, string Decision, string? DecidedBy, DateTimeOffset? DecidedAt);

/// <summary>The rejudge history from the read model, newest first.</summary>
public static class RejudgeHistory
{
    public static async Task<IReadOnlyList<RejudgeListRow>> ListAsync(GraderDataSource database, string? assignmentId, CancellationToken ct)
    {
        await using var command = database.Source.CreateCommand("""
            SELECT rejudge_id, assignment_id, created_by, created_at, scope, suite_version, tasks, changed, decision, decided_by, decided_at
            FROM rejudge_summary WHERE @assignment::text IS NULL OR assignment_id = @assignment
            ORDER BY created_at DESC LIMIT 200
            """);
        command.Parameters.AddWithValue("assignment", (object?)assignmentId ?? DBNull.Value);
        var rows = new List<RejudgeListRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new RejudgeListRow(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetString(4), reader.GetString(5), reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetInt32(7), reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10)));
        }

        return rows;
    }
}
