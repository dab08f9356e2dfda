using Grader.Database;
using Npgsql;

namespace Grader.Rejudges;

/// <summary>Keeps <c>rejudge_summary</c> and <c>rejudge_entry</c> in step with rejudge grains: the history
/// staff list, and the applied entries the gradebook counts. Every write is an idempotent upsert.</summary>
public sealed class RejudgeReadModel(GraderDataSource database)
{
    private readonly NpgsqlDataSource _dataSource = database.Source;

    public async Task WriteAsync(RejudgeView view, int? changed)
    {
        await using var batch = _dataSource.CreateBatch();
        var summary = new NpgsqlBatchCommand("""
            INSERT INTO rejudge_summary (rejudge_id, assignment_id, created_by, created_at, scope, suite_version, tasks, changed, decision, decided_by, decided_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            ON CONFLICT (rejudge_id) DO UPDATE SET changed = coalesce(excluded.changed, rejudge_summary.changed), decision = excluded.decision,
                decided_by = excluded.decided_by, decided_at = excluded.decided_at
            """);
        foreach (var value in new object?[]
                 {
                     view.Id, view.AssignmentId, view.CreatedBy, view.CreatedAt.ToUniversalTime(), view.Scope.ToString(), view.SuiteVersion,
                     view.Entries.Count, changed, view.Decision.ToString(), view.DecidedBy, view.DecidedAt?.ToUniversalTime(),
                 })
        {
            summary.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        batch.BatchCommands.Add(summary);
        var entries = new NpgsqlBatchCommand("""
            INSERT INTO rejudge_entry (rejudge_id, user_id, old_task_id, new_task_id, applied_at)
            SELECT $1, u, o, n, $5 FROM unnest($2::text[], $3::uuid[], $4::uuid[]) AS e(u, o, n)
            ON CONFLICT (rejudge_id, user_id) DO UPDATE SET applied_at = excluded.applied_at
            """);
        entries.Parameters.Add(new NpgsqlParameter { Value = view.Id });
        entries.Parameters.Add(new NpgsqlParameter { Value = view.Entries.Select(e => e.UserId).ToArray() });
        entries.Parameters.Add(new NpgsqlParameter { Value = view.Entries.Select(e => e.OldTaskId).ToArray() });
        entries.Parameters.Add(new NpgsqlParameter { Value = view.Entries.Select(e => e.NewTaskId).ToArray() });
        entries.Parameters.Add(new NpgsqlParameter
        {
            Value = view.Decision == RejudgeDecision.Applied && view.DecidedAt is { } at ? at.ToUniversalTime() : DBNull.Value,
            NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz,
        });
        batch.BatchCommands.Add(entries);
        await batch.ExecuteNonQueryAsync();
    }
}
