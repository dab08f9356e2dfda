using System.Globalization;
using System.Text;
using Grader.Assignments;
using Grader.Tasks;

namespace Grader.Evaluations;

/// <summary>The evaluation's result sheet: one line per student, the form's own columns, the verdict,
/// the score, and one column per scenario with the points it earned (or why it earned none).</summary>
public static class EvaluationProtocol
{
    public static string Write(EvaluationView evaluation, AssignmentDefinition assignment, IReadOnlyDictionary<Guid, TaskView> tasks)
    {
        var scenarios = assignment.ScenariosFor(includePrivate: true).ToList();
        var extraColumns = evaluation.Entries.SelectMany(e => e.Row.Extra.Keys).Distinct().ToList();
        var csv = new StringBuilder();
        csv.AppendLine(EvaluationCsv.Line(["user", "image", .. extraColumns, "task", "status", "message", "score", "max_score", .. scenarios.Select(s => s.Id)]));
        foreach (var entry in evaluation.Entries)
        {
            tasks.TryGetValue(entry.TaskId, out var task);
            var perScenario = scenarios.Select(s => ScenarioCell(s, task));
            csv.AppendLine(EvaluationCsv.Line([
                entry.Row.UserId, entry.Row.Image, .. extraColumns.Select(c => entry.Row.Extra.GetValueOrDefault(c)),
                entry.TaskId.ToString(), task?.Status.ToString() ?? "Unknown", task?.Message,
                Number(task?.Score), Number(task?.MaxScore), .. perScenario]));
        }

        return csv.ToString();
    }

    private static string ScenarioCell(Scenario scenario, TaskView? task)
    {
        var steps = task?.Steps.Where(s => s.ScenarioId == scenario.Id).ToList() ?? [];
        if (steps.Count == 0)
        {
            return task is { Status: var status } && status.IsTerminal() ? "not run" : "";
        }

        var failed = steps.FirstOrDefault(s => s.Outcome != StepOutcome.Passed);
        var points = Number(steps.Sum(s => s.Points));
        return failed is null ? points : $"{points} ({failed.Outcome.ToString().ToLowerInvariant()})";
    }

    private static string Number(decimal? value) => value?.ToString("0.##", CultureInfo.InvariantCulture) ?? "";
}
