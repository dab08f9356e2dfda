using Grader.Database;
using Grader.Web.Browse;
using Npgsql;

namespace Grader.Web.Evaluations;

/// <summary>A past evaluation as listed: its rows, and its tasks counted as the progress bar counts them
/// (done is completed; failed is any other end; the rest are unfinished).</summary>
public sealed record EvaluationListRow(Guid Id, string AssignmentId, string CreatedBy, DateTimeOffset CreatedAt, int Tasks, int Rejected,
    long Done, long Failed, DateTimeOffset? LastFinishedAt)
{
    public long Unfinished => Tasks - Done - Failed;

    public bool Finished => Unfinished <= 0;
}

/// <summary>Past evaluations from the read model, newest first, a page at a time.</summary>
public sealed class EvaluationListQueries(GraderDataSource database)
{
    private const string Matches = "(@assignment::text IS NULL OR e.assignment_id = @assignment)";

    public async Task<KeysetPage<EvaluationListRow>> PageAsync(string? assignmentId, PageRequest page, CancellationToken ct)
    {
        var (after, order) = Keyset.Sql(page, "e.created_at", "e.evaluation_id");
        var rows = new NpgsqlBatchCommand($"""
            SELECT e.evaluation_id, e.assignment_id, e.created_by, e.created_at, e.tasks, e.rejected,
                   count(t.task_id) FILTER (WHERE t.status = 'Completed'),
                   count(t.task_id) FILTER (WHERE t.status IN ('Failed', 'Cancelled', 'Superseded')),
                   max(t.finished_at)
            FROM evaluation_summary e
            LEFT JOIN evaluation_task et ON et.evaluation_id = e.evaluation_id
            LEFT JOIN task_summary t ON t.task_id = et.task_id
            WHERE {Matches} AND {after}
            GROUP BY e.evaluation_id
            ORDER BY {order}
            LIMIT @limit
            """);
        var count = new NpgsqlBatchCommand($"SELECT count(*) FROM evaluation_summary e WHERE {Matches}");
        rows.Parameters.AddWithValue("assignment", (object?)assignmentId ?? DBNull.Value);
        count.Parameters.AddWithValue("assignment", (object?)assignmentId ?? DBNull.Value);
        return await KeysetQuery.ReadPageAsync(database.Source, rows, count, page, reader =>
            new EvaluationListRow(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetInt32(4), reader.GetInt32(5), reader.GetInt64(6), reader.GetInt64(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8)),
            r => new PageCursor(r.CreatedAt, r.Id), ct);
    }
}
