using Grader.Assignments;

namespace Grader.Web.Gradebook;

/// <summary>A scenario column: the assignment's scenarios in suite order, then any that only old tasks ran.</summary>
public sealed record GradebookColumn(string ScenarioId, string Title, bool IsPublic, decimal Points);

/// <summary>One student's grade: the task the assignment's rule picked, and its points per scenario (a
/// scenario that did not run for it, such as a private one in a student's own run, has no cell).</summary>
public sealed record GradebookRow(string UserId, StudentInfo Student, Guid TaskId, string Source, string Status, decimal Score, decimal MaxScore,
    DateTimeOffset SubmittedAt, DateTimeOffset? FinishedAt, IReadOnlyDictionary<string, ScenarioCell> Scenarios);

public sealed record GradebookGrid(string AssignmentId, string Title, GradeRule Rule, DateTimeOffset? ClosesAt,
    IReadOnlyList<GradebookColumn> Columns, IReadOnlyList<GradebookRow> Rows);

/// <summary>What staff filter the grid by; null means any. The filter picks rows after the rule picked
/// each student's task, so filtering never changes a grade.</summary>
public sealed record GradebookFilter(string? Search = null, string? Status = null)
{
    public bool Matches(GradebookRow row) =>
        (Status is not { Length: > 0 } || string.Equals(row.Status, Status, StringComparison.OrdinalIgnoreCase))
        && (Search is not { Length: > 0 } s
            || new[] { row.UserId, row.Student.FirstName, row.Student.LastName, row.Student.Email }
                .Any(v => v?.Contains(s.Trim(), StringComparison.OrdinalIgnoreCase) == true));
}

public static class GradebookGrids
{
    /// <summary>The grid of an assignment from its finished tasks: one row per student, by user name.</summary>
    public static GradebookGrid Build(AssignmentDefinition assignment, IReadOnlyList<GradebookTask> tasks, GradebookFilter filter,
        IReadOnlyList<AppliedRejudge>? rejudges = null)
    {
        var chosen = GradeChoice.Pick(tasks.Select(t => t.Candidate), assignment.GradeRule, assignment.ClosesAt, rejudges);
        var byId = tasks.ToDictionary(t => t.Candidate.TaskId);
        var rows = chosen.Values
            .Select(c => byId[c.TaskId])
            .Select(t => new GradebookRow(t.Candidate.UserId, t.Student, t.Candidate.TaskId, t.Candidate.Source, t.Status, t.Candidate.Score, t.MaxScore,
                t.Candidate.CreatedAt, t.FinishedAt, t.Scenarios ?? new Dictionary<string, ScenarioCell>()))
            .OrderBy(r => r.UserId, StringComparer.Ordinal)
            .ToList();
        var columns = assignment.Scenarios.Select(s => new GradebookColumn(s.Id, s.Title, s.IsPublic, s.Points)).ToList();
        var known = columns.Select(c => c.ScenarioId).ToHashSet(StringComparer.Ordinal);
        // A suite edit may have dropped a scenario that chosen tasks still carry points for: keep its column, so the cells add up to the total.
        columns.AddRange(rows.SelectMany(r => r.Scenarios.Keys).Where(id => !known.Contains(id)).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal).Select(id => new GradebookColumn(id, id, IsPublic: false, Points: 0)));
        return new GradebookGrid(assignment.Id, assignment.Title, assignment.GradeRule, assignment.ClosesAt, columns,
            rows.Where(filter.Matches).ToList());
    }
}
