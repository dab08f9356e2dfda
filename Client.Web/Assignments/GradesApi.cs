using System.Globalization;
using System.Text;
using Grader.Evaluations;
using Grader.Web.Auth.Http;
using Grader.Web.Gradebook;

namespace Grader.Web.Assignments;

/// <summary>Grades per student for one assignment: the total of the task the assignment's grade rule
/// picked (see <see cref="Grader.Assignments.GradeChoice"/>), the same row the gradebook shows.</summary>
public static class GradesApi
{
    public static IEndpointRouteBuilder MapGradesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/assignments/{id}/grades.csv", ExportAsync).RequireAuthorization(AuthSchemes.StaffPolicy);
        return app;
    }

    public static async Task<IResult> ExportAsync(string id, GradebookService gradebook, CancellationToken ct)
    {
        if (await gradebook.BuildAsync(id, new GradebookFilter(), ct) is not { } grid)
        {
            return Results.NotFound();
        }

        var csv = new StringBuilder();
        csv.AppendLine(EvaluationCsv.Line(["user", "task", "source", "status", "score", "max_score", "finished_at"]));
        foreach (var row in grid.Rows)
        {
            csv.AppendLine(EvaluationCsv.Line([
                row.UserId, row.TaskId.ToString(), row.Source, row.Status, GradebookCsv.Number(row.Score), GradebookCsv.Number(row.MaxScore),
                row.FinishedAt?.ToString("O", CultureInfo.InvariantCulture) ?? ""]));
        }

        return Results.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv", $"grades-{id}.csv");
    }
}
