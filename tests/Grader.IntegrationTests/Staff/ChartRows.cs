using Npgsql;

namespace Grader.IntegrationTests.Staff;

/// <summary>A finished (or not) task as the charts see it: when it was made, how long it waited and ran,
/// its score and its scenarios' outcomes.</summary>
public sealed record ChartTask(string Status, DateTimeOffset CreatedAt, decimal Score = 0, decimal MaxScore = 10,
    double? WaitSeconds = null, double? ResultSeconds = null, IReadOnlyDictionary<string, string>? Scenarios = null, string User = "chart-student");

/// <summary>Writes task and evaluation rows straight into a grader database's read model, for the charts
/// and lists that read it.</summary>
public static class ChartRows
{
    public static async Task<Guid> InsertAsync(string database, string assignment, ChartTask task)
    {
        var id = Guid.NewGuid();
        await using var connection = new NpgsqlConnection(LocalStack.AdminConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO task_summary (task_id, revision, user_id, assignment_id, image, include_private, source, status, attempt,
                                      score, max_score, steps_passed, steps_failed, steps_error, steps_blocked, scenario_scores,
                                      created_at, started_at, finished_at, updated_at)
            VALUES (@id, 1, @user, @assignment, 'example.invalid/app:1', false, 'api', @status, 2,
                    @score, @max, 0, 0, 0, 0, @scenarios::jsonb, @created, @started, @finished, now())
            """, connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("user", task.User);
        command.Parameters.AddWithValue("assignment", assignment);
        command.Parameters.AddWithValue("status", task.Status);
        command.Parameters.AddWithValue("score", task.Score);
        command.Parameters.AddWithValue("max", task.MaxScore);
        command.Parameters.AddWithValue("scenarios", task.Scenarios is null ? DBNull.Value
            : JsonSerializer.Serialize(task.Scenarios.ToDictionary(s => s.Key, s => new { points = 0, max = 1, outcome = s.Value })));
        command.Parameters.AddWithValue("created", task.CreatedAt);
        command.Parameters.AddWithValue("started", task.WaitSeconds is { } w ? task.CreatedAt.AddSeconds(w) : DBNull.Value);
        command.Parameters.AddWithValue("finished", task.ResultSeconds is { } r ? task.CreatedAt.AddSeconds(r) : DBNull.Value);
        await command.ExecuteNonQueryAsync();
        return id;
    }

    public static async Task InsertEvaluationAsync(string database, Guid id, string assignment, DateTimeOffset createdAt, IReadOnlyList<Guid> tasks)
    {
        await using var connection = new NpgsqlConnection(LocalStack.AdminConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO evaluation_summary (evaluation_id, assignment_id, created_by, created_at, tasks, rejected)
            VALUES (@id, @assignment, 'chart-staff', @at, @count, 0);
            INSERT INTO evaluation_task (evaluation_id, task_id) SELECT @id, unnest(@tasks);
            """, connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("assignment", assignment);
        command.Parameters.AddWithValue("at", createdAt);
        command.Parameters.AddWithValue("count", tasks.Count);
        command.Parameters.AddWithValue("tasks", tasks.ToArray());
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Four tasks in the window (three completed, one failed) and one older than it, with known numbers.</summary>
    public static async Task<DateTimeOffset> InsertKnownSetAsync(string database, string assignment)
    {
        var now = DateTimeOffset.UtcNow;
        await InsertAsync(database, assignment, new("Completed", now.AddDays(-2), 10, 10, 5, 25, new Dictionary<string, string> { ["login"] = "Passed", ["orders"] = "Passed" }));
        await InsertAsync(database, assignment, new("Completed", now.AddDays(-1), 5, 10, 15, 45, new Dictionary<string, string> { ["login"] = "Passed", ["orders"] = "Failed" }));
        await InsertAsync(database, assignment, new("Completed", now.AddMinutes(-1), 0, 10, 10, 20, new Dictionary<string, string> { ["login"] = "Failed", ["orders"] = "Failed" }));
        await InsertAsync(database, assignment, new("Failed", now.AddMinutes(-1)));
        await InsertAsync(database, assignment, new("Completed", now.AddDays(-40), 10, 10, 1, 2, new Dictionary<string, string> { ["login"] = "Failed", ["orders"] = "Failed" }));
        return now;
    }
}
