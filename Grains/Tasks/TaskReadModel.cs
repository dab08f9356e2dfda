using System.Text.Json;
using Grader.Database;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Grader.Tasks;

/// <summary>Writes a task's summary and step verdicts into the relational read model. Idempotent: a row
/// is replaced only by a higher revision, and steps are keyed by (task, attempt, scenario, step).</summary>
public sealed partial class TaskReadModel(GraderDataSource database, ILogger<TaskReadModel> logger)
{
    /// <summary>A summary's revision is the task's stored revision times this, plus the changes its activation
    /// adopted since without a write (phases, steps): whatever an activation lost before its next write, the
    /// next stored revision is still higher than any summary written from it.</summary>
    public const long RevisionStride = 1024;

    private const string UpsertSummary = """
        INSERT INTO task_summary (task_id, revision, user_id, assignment_id, image, include_private, source, status, attempt,
            host, end_reason, message, score, max_score, steps_passed, steps_failed, steps_error, steps_blocked, image_digest,
            scenario_scores, created_at, started_at, finished_at, updated_at)
        VALUES (@id, @revision, @user, @assignment, @image, @private, @source, @status, @attempt, @host, @end, @message,
            @score, @max, @passed, @failed, @error, @blocked, @digest, @scenarios, @created, @started, @finished, now())
        ON CONFLICT (task_id) DO UPDATE SET
            revision = excluded.revision, status = excluded.status, attempt = excluded.attempt, host = excluded.host,
            end_reason = excluded.end_reason, message = excluded.message, score = excluded.score, max_score = excluded.max_score,
            steps_passed = excluded.steps_passed, steps_failed = excluded.steps_failed, steps_error = excluded.steps_error,
            steps_blocked = excluded.steps_blocked, image_digest = excluded.image_digest, scenario_scores = excluded.scenario_scores, started_at = excluded.started_at,
            finished_at = excluded.finished_at, updated_at = now()
        WHERE task_summary.revision < excluded.revision
        """;

    private const string UpsertStep = """
        INSERT INTO step_verdict (task_id, attempt, scenario_id, step_index, title, is_private, outcome, points, max_points,
            status_code, duration_ms, message, reported_at)
        VALUES (@id, @attempt, @scenario, @step, @title, @private, @outcome, @points, @max, @status, @duration, @message, @reported)
        ON CONFLICT (task_id, attempt, scenario_id, step_index) DO UPDATE SET
            outcome = excluded.outcome, points = excluded.points, status_code = excluded.status_code,
            duration_ms = excluded.duration_ms, message = excluded.message, reported_at = excluded.reported_at
        """;

    private readonly NpgsqlDataSource _dataSource = database.Source;

    /// <summary>The summary and the given step rows (all of the view's when none are given), in one
    /// transaction. Never throws: the read model is derived data; false tells the caller to write every
    /// step with the next change.</summary>
    public async Task<bool> WriteAsync(TaskView view, long revision, IEnumerable<StepResult>? steps = null)
    {
        try
        {
            await using var batch = _dataSource.CreateBatch();
            var summary = new NpgsqlBatchCommand(UpsertSummary);
            var p = summary.Parameters;
            p.AddWithValue("id", view.Id);
            p.AddWithValue("revision", revision);
            p.AddWithValue("user", view.Spec.UserId);
            p.AddWithValue("assignment", view.Spec.AssignmentId);
            p.AddWithValue("image", view.Spec.Image);
            p.AddWithValue("private", view.Spec.IncludePrivate);
            p.AddWithValue("source", view.Spec.Source);
            p.AddWithValue("status", view.Status.ToString());
            p.AddWithValue("attempt", view.Attempt);
            p.AddWithValue("host", NpgsqlDbType.Text, (object?)view.Host ?? DBNull.Value);
            p.AddWithValue("end", NpgsqlDbType.Text, (object?)view.End?.ToString() ?? DBNull.Value);
            p.AddWithValue("message", NpgsqlDbType.Text, (object?)view.Message ?? DBNull.Value);
            p.AddWithValue("score", view.Score);
            p.AddWithValue("max", view.MaxScore);
            p.AddWithValue("passed", view.Steps.Count(s => s.Outcome == StepOutcome.Passed));
            p.AddWithValue("failed", view.Steps.Count(s => s.Outcome == StepOutcome.Failed));
            p.AddWithValue("error", view.Steps.Count(s => s.Outcome is StepOutcome.Error or StepOutcome.Timeout));
            p.AddWithValue("blocked", view.Steps.Count(s => s.Outcome == StepOutcome.Blocked));
            p.AddWithValue("digest", NpgsqlDbType.Text, (object?)view.ImageDigest ?? DBNull.Value);
            p.AddWithValue("scenarios", NpgsqlDbType.Jsonb, ScenarioScoresJson(view));
            p.AddWithValue("created", view.CreatedAt);
            p.AddWithValue("started", NpgsqlDbType.TimestampTz, (object?)view.StartedAt ?? DBNull.Value);
            p.AddWithValue("finished", NpgsqlDbType.TimestampTz, (object?)view.FinishedAt ?? DBNull.Value);
            batch.BatchCommands.Add(summary);
            foreach (var step in steps ?? view.Steps)
            {
                var command = new NpgsqlBatchCommand(UpsertStep);
                var s = command.Parameters;
                s.AddWithValue("id", view.Id);
                s.AddWithValue("attempt", step.Attempt);
                s.AddWithValue("scenario", step.ScenarioId);
                s.AddWithValue("step", step.StepIndex);
                s.AddWithValue("title", step.Title);
                s.AddWithValue("private", step.IsPrivate);
                s.AddWithValue("outcome", step.Outcome.ToString());
                s.AddWithValue("points", step.Points);
                s.AddWithValue("max", step.MaxPoints);
                s.AddWithValue("status", NpgsqlDbType.Integer, (object?)step.StatusCode ?? DBNull.Value);
                s.AddWithValue("duration", step.DurationMs);
                s.AddWithValue("message", NpgsqlDbType.Text, (object?)step.Message ?? DBNull.Value);
                s.AddWithValue("reported", step.ReportedAt);
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync();
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            LogWriteFailed(logger, e, view.Id, revision);
            return false;
        }
    }

    /// <summary>Points per scenario of the current attempt (<see cref="ScenarioScores.ByScenario"/>), for the gradebook's columns.</summary>
    private static string ScenarioScoresJson(TaskView view) =>
        JsonSerializer.Serialize(view.ByScenario().ToDictionary(s => s.ScenarioId, s => new { points = s.Points, max = s.MaxPoints, outcome = s.Outcome.ToString() }));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Read model write for task {TaskId} revision {Revision} failed; the next transition writes it again")]
    private static partial void LogWriteFailed(ILogger logger, Exception e, Guid taskId, long revision);
}
