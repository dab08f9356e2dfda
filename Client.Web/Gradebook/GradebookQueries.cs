using System.Text.Json;
using Grader.Assignments;
using Grader.Database;
using Npgsql;

namespace Grader.Web.Gradebook;

/// <summary>A finished task of the assignment with what the gradebook shows of it and its user.</summary>
public sealed record GradebookTask(GradeCandidate Candidate, string Status, decimal MaxScore, DateTimeOffset? FinishedAt,
    IReadOnlyDictionary<string, ScenarioCell>? Scenarios, StudentInfo Student);

/// <summary>The student's metadata from their account, when they have one (an evaluation may grade
/// students who never signed in).</summary>
public sealed record StudentInfo(string? FirstName, string? LastName, string? Email);

/// <summary>One scenario's points in one task. Outcome is the worst verdict among its scored steps.</summary>
public sealed record ScenarioCell(decimal Points, decimal Max, string Outcome);

/// <summary>The gradebook's SQL over the read model: every finished task of an assignment that may be a
/// grade. Which one is a student's grade is decided by <see cref="GradeChoice"/>, not here.</summary>
public sealed class GradebookQueries(GraderDataSource database)
{
    // A task that failed on our side every time it ran is no grade; cancelled and superseded ones never finished grading.
    private const string Finished = """
        SELECT t.task_id, t.user_id, t.source, t.include_private, t.score, t.created_at,
               coalesce(coalesce(u.role_override, u.source_role) IN ('staff', 'admin'), false),
               t.status, t.max_score, t.finished_at, t.scenario_scores::text, u.first_name, u.last_name, u.email
        FROM task_summary t
        LEFT JOIN auth_users u ON u.username = t.user_id
        WHERE t.assignment_id = @assignment AND t.status IN ('Completed', 'Failed')
          AND t.end_reason IS DISTINCT FROM 'InfrastructureError'
        """;

    private const string Applied = """
        SELECT e.user_id, e.old_task_id, e.new_task_id, s.created_at
        FROM rejudge_entry e JOIN rejudge_summary s USING (rejudge_id)
        WHERE s.assignment_id = @assignment AND s.decision = 'Applied' AND e.applied_at IS NOT NULL
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly NpgsqlDataSource _dataSource = database.Source;

    public async Task<IReadOnlyList<GradebookTask>> FinishedTasksAsync(string assignmentId, CancellationToken ct)
    {
        await using var command = _dataSource.CreateCommand(Finished);
        command.Parameters.AddWithValue("assignment", assignmentId);
        var tasks = new List<GradebookTask>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var candidate = new GradeCandidate(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), reader.GetDecimal(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.GetBoolean(6));
            // Rows written before the column existed have no per-scenario points; their cells stay empty.
            var scenarios = reader.IsDBNull(10) ? null : JsonSerializer.Deserialize<Dictionary<string, ScenarioCell>>(reader.GetString(10), Json);
            tasks.Add(new GradebookTask(candidate, reader.GetString(7), reader.GetDecimal(8),
                reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9), scenarios,
                new StudentInfo(NullableString(reader, 11), NullableString(reader, 12), NullableString(reader, 13))));
        }

        return tasks;
    }

    /// <summary>The re-runs of applied rejudges, which stand in for the tasks they re-ran.</summary>
    public async Task<IReadOnlyList<AppliedRejudge>> AppliedRejudgesAsync(string assignmentId, CancellationToken ct)
    {
        await using var command = _dataSource.CreateCommand(Applied);
        command.Parameters.AddWithValue("assignment", assignmentId);
        var applied = new List<AppliedRejudge>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            applied.Add(new AppliedRejudge(reader.GetString(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return applied;
    }

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
