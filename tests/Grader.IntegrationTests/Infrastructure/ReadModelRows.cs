using Npgsql;

namespace Grader.IntegrationTests.Infrastructure;

/// <summary>Writes task rows straight into a grader database's read model, for tests of what reads it
/// (staff queries, lists) where the grains' part is beside the point.</summary>
public static class ReadModelRows
{
    public static async Task<Guid> InsertTaskAsync(string database, string status, TimeSpan age, string user = "student-q", string assignment = "queries-a", string host = "host-q")
    {
        var id = Guid.NewGuid();
        await using var connection = new NpgsqlConnection(LocalStack.AdminConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO task_summary (task_id, revision, user_id, assignment_id, image, include_private, source, status, attempt, host,
                                      score, max_score, steps_passed, steps_failed, steps_error, steps_blocked, created_at, updated_at)
            VALUES (@id, 1, @user, @assignment, 'example.invalid/app:1', false, 'api', @status, 1, @host,
                    1, 2, 1, 1, 0, 0, now() - @age, now() - @age)
            """, connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("user", user);
        command.Parameters.AddWithValue("assignment", assignment);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("host", host);
        command.Parameters.AddWithValue("age", age);
        await command.ExecuteNonQueryAsync();
        return id;
    }
}
