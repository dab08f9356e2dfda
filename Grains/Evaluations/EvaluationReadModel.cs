using Grader.Database;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Grader.Evaluations;

/// <summary>Writes an evaluation and its task ids into the read model, so past evaluations can be listed
/// (grain state alone cannot be). Progress is not copied here: it is read from the tasks' own summaries,
/// which their grains keep current. Idempotent: a repeated start writes the same rows.</summary>
public sealed partial class EvaluationReadModel(GraderDataSource database, ILogger<EvaluationReadModel> logger)
{
    private const string UpsertSummary = """
        INSERT INTO evaluation_summary (evaluation_id, assignment_id, created_by, created_at, tasks, rejected)
        VALUES (@id, @assignment, @by, @at, @tasks, @rejected)
        ON CONFLICT (evaluation_id) DO NOTHING
        """;

    private const string InsertTasks = """
        INSERT INTO evaluation_task (evaluation_id, task_id) SELECT @id, unnest(@tasks)
        ON CONFLICT DO NOTHING
        """;

    /// <summary>Never throws: the list is derived data, and the next start of the same evaluation writes it again.</summary>
    public async Task WriteAsync(EvaluationView view)
    {
        try
        {
            await using var batch = database.Source.CreateBatch();
            var summary = new NpgsqlBatchCommand(UpsertSummary);
            summary.Parameters.AddWithValue("id", view.Id);
            summary.Parameters.AddWithValue("assignment", view.AssignmentId);
            summary.Parameters.AddWithValue("by", view.CreatedBy);
            summary.Parameters.AddWithValue("at", view.CreatedAt);
            summary.Parameters.AddWithValue("tasks", view.Entries.Count);
            summary.Parameters.AddWithValue("rejected", view.Rejected.Count);
            var tasks = new NpgsqlBatchCommand(InsertTasks);
            tasks.Parameters.AddWithValue("id", view.Id);
            tasks.Parameters.AddWithValue("tasks", view.Entries.Select(e => e.TaskId).ToArray());
            batch.BatchCommands.Add(summary);
            batch.BatchCommands.Add(tasks);
            await batch.ExecuteNonQueryAsync();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            LogWriteFailed(logger, e, view.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Read model write for evaluation {EvaluationId} failed; starting it again writes it")]
    private static partial void LogWriteFailed(ILogger logger, Exception e, Guid evaluationId);
}
