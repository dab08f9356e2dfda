using System.Globalization;
using System.Text;
using Grader.Database;
using Grader.Evaluations;
using Grader.Web.Auth.Http;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Grader.Web.Assignments;

/// <summary>Grades per student for one assignment, from the read model: each student's latest finished
/// staff-run task (an evaluation), or, if there is none, their latest finished task of any kind. A task
/// that failed on our side every time it ran is no grade.</summary>
public static class GradesApi
{
    private const string LatestPerStudent = """
        SELECT DISTINCT ON (user_id) user_id, task_id, source, status, score, max_score, finished_at
        FROM task_summary
        WHERE assignment_id = @assignment AND status IN ('Completed', 'Failed') AND end_reason IS DISTINCT FROM 'InfrastructureError'
        ORDER BY user_id, include_private DESC, finished_at DESC
        """;

    public static IEndpointRouteBuilder MapGradesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/assignments/{id}/grades.csv", ExportAsync).RequireAuthorization(AuthSchemes.StaffPolicy);
        return app;
    }

    public static async Task<IResult> ExportAsync(string id, IOptions<DatabaseOptions> options, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(options.Value.ConnectionString());
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(LatestPerStudent, connection);
        command.Parameters.AddWithValue("assignment", id);
        var csv = new StringBuilder();
        csv.AppendLine(EvaluationCsv.Line(["user", "task", "source", "status", "score", "max_score", "finished_at"]));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            csv.AppendLine(EvaluationCsv.Line([
                reader.GetString(0), reader.GetGuid(1).ToString(), reader.GetString(2), reader.GetString(3),
                reader.GetDecimal(4).ToString("0.##", CultureInfo.InvariantCulture), reader.GetDecimal(5).ToString("0.##", CultureInfo.InvariantCulture),
                reader.IsDBNull(6) ? "" : reader.GetFieldValue<DateTimeOffset>(6).ToString("O", CultureInfo.InvariantCulture)]));
        }

        return Results.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv", $"grades-{id}.csv");
    }
}
