using Grader.Database;
using Npgsql;

namespace Grader.Assignments;

/// <summary>Keeps the assignment_summary table in step with assignment grains, so assignments can be listed.</summary>
public sealed class AssignmentCatalog(GraderDataSource database)
{
    private readonly NpgsqlDataSource _dataSource = database.Source;

    public async Task WriteAsync(AssignmentDefinition assignment)
    {
        await using var command = _dataSource.CreateCommand("""
            INSERT INTO assignment_summary (assignment_id, title, database_mode, scenarios, archived, updated_at)
            VALUES (@id, @title, @mode, @scenarios, @archived, now())
            ON CONFLICT (assignment_id) DO UPDATE SET title = excluded.title, database_mode = excluded.database_mode,
                scenarios = excluded.scenarios, archived = excluded.archived, updated_at = now()
            """);
        command.Parameters.AddWithValue("id", assignment.Id);
        command.Parameters.AddWithValue("title", assignment.Title);
        command.Parameters.AddWithValue("mode", assignment.DatabaseMode.ToString());
        command.Parameters.AddWithValue("scenarios", assignment.Scenarios.Count);
        command.Parameters.AddWithValue("archived", assignment.Archived);
        await command.ExecuteNonQueryAsync();
    }

}
