using System.Globalization;
using System.Text;
using Grader.Evaluations;

namespace Grader.Web.Gradebook;

/// <summary>The grid as CSV: the student's metadata, the chosen task, one column per scenario (empty
/// where the scenario did not run for that task), then the total.</summary>
public static class GradebookCsv
{
    public static string Write(GradebookGrid grid)
    {
        var csv = new StringBuilder();
        csv.AppendLine(EvaluationCsv.Line([
            "user", "first_name", "last_name", "email", "task", "source", "status", "submitted_at", "finished_at",
            .. grid.Columns.Select(c => c.ScenarioId), "score", "max_score"]));
        foreach (var row in grid.Rows)
        {
            csv.AppendLine(EvaluationCsv.Line([
                row.UserId, row.Student.FirstName, row.Student.LastName, row.Student.Email, row.TaskId.ToString(), row.Source, row.Status,
                Time(row.SubmittedAt), row.FinishedAt is { } finished ? Time(finished) : "",
                .. grid.Columns.Select(c => row.Scenarios.TryGetValue(c.ScenarioId, out var cell) ? Number(cell.Points) : ""),
                Number(row.Score), Number(row.MaxScore)]));
        }

        return csv.ToString();
    }

    public static string Number(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset value) => value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}
