namespace Grader.Assignments;

/// <summary>Which of a student's submissions is their grade.</summary>
public enum GradeRule
{
    /// <summary>The last one made.</summary>
    Latest,
    /// <summary>The one with the highest score (the later one on a tie).</summary>
    Best,
}

/// <summary>A finished task that may be a student's grade, as the read model knows it.</summary>
/// <param name="IncludePrivate">Staff ran it (an evaluation or a re-run for the student), so every scenario ran.</param>
/// <param name="UserIsStaff">The task's user is a staff member or admin: their tasks are never a student's grade.</param>
public sealed record GradeCandidate(Guid TaskId, string UserId, string Source, bool IncludePrivate, decimal Score, DateTimeOffset CreatedAt,
    bool UserIsStaff);

/// <summary>The grade rule in one place: which task is each student's grade.</summary>
public static class GradeChoice
{
    /// <summary>The source of a staff member's own dry run of a reference solution.</summary>
    public const string DryRunSource = "dry-run";

    /// <summary>Per student, the task that is their grade. Staff members' tasks and dry runs never count.
    /// A staff run for the student (an evaluation, a re-run) ran every scenario, so one of those wins over
    /// the student's own submissions, and counts whenever staff made it; a student's own submission counts
    /// only if it was made before the deadline. Among what counts, the assignment's rule picks.</summary>
    public static IReadOnlyDictionary<string, GradeCandidate> Pick(IEnumerable<GradeCandidate> candidates, GradeRule rule, DateTimeOffset? closesAt) =>
        candidates
            .Where(c => !c.UserIsStaff && c.Source != DryRunSource)
            .Where(c => c.IncludePrivate || closesAt is null || c.CreatedAt < closesAt)
            .GroupBy(c => c.UserId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g
                .OrderByDescending(c => c.IncludePrivate)
                .ThenByDescending(c => rule == GradeRule.Best ? c.Score : 0)
                .ThenByDescending(c => c.CreatedAt)
                .ThenBy(c => c.TaskId)
                .First(), StringComparer.Ordinal);
}
