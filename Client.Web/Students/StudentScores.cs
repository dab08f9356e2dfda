using Grader.Database;
using Npgsql;

namespace Grader.Web.Students;

/// <summary>A student's own finished runs of one assignment: their best and latest score.</summary>
public sealed record StudentScore(decimal Score, decimal MaxScore, Guid TaskId, DateTimeOffset SubmittedAt);

/// <summary>Reads a student's scores from the read model. Only the student's own runs count (not a staff
/// evaluation, whose score includes the private scenarios), and not a run that failed on our side.</summary>
public sealed class StudentScores(GraderDataSource database)
{
    private const string Own = """
        SELECT score, max_score, task_id, created_at
        FROM task_summary
        WHERE user_id = @user AND assignment_id = @assignment AND NOT include_private
          AND status IN ('Completed', 'Failed') AND end_reason IS DISTINCT FROM 'InfrastructureError'
        """;

    private readonly NpgsqlDataSource _dataSource = database.Source;

    public async Task<(StudentScore? Best, StudentScore? Latest)> BestAndLatestAsync(string userId, string assignmentId, CancellationToken ct)
    {
        await using var command = _dataSource.CreateCommand(Own);
        command.Parameters.AddWithValue("user", userId);
        command.Parameters.AddWithValue("assignment", assignmentId);
        var scores = new List<StudentScore>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            scores.Add(new StudentScore(reader.GetDecimal(0), reader.GetDecimal(1), reader.GetGuid(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return (scores.OrderByDescending(s => s.Score).ThenByDescending(s => s.SubmittedAt).FirstOrDefault(),
            scores.OrderByDescending(s => s.SubmittedAt).FirstOrDefault());
    }
}
