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

    /// <summary>The source of a rejudge's re-run of a student's chosen task.</summary>
    public const string RejudgeSource = "rejudge";

    /// <summary>Per student, the task that is their grade. Staff members' tasks and dry runs never count.
    /// A staff run for the student (an evaluation, a re-run) ran every scenario, so one of those wins over
    /// the student's own submissions, and counts whenever staff made it; a student's own submission counts
    /// only if it was made before the deadline. Among what counts, the assignment's rule picks.</summary>
    public static IReadOnlyDictionary<string, GradeCandidate> Pick(IEnumerable<GradeCandidate> candidates, GradeRule rule, DateTimeOffset? closesAt,
        IReadOnlyList<AppliedRejudge>? rejudges = null) =>
        WithRejudges(candidates, rejudges ?? [])
            .Where(c => !c.UserIsStaff && c.Source != DryRunSource)
            .Where(c => c.IncludePrivate || closesAt is null || c.CreatedAt < closesAt)
            .GroupBy(c => c.UserId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g
                .OrderByDescending(c => c.IncludePrivate)
                .ThenByDescending(c => rule == GradeRule.Best ? c.Score : 0)
                .ThenByDescending(c => c.CreatedAt)
                .ThenBy(c => c.TaskId)
                .First(), StringComparer.Ordinal);

    /// <summary>A re-run of a rejudge counts only once the rejudge is applied, and then in place of the task it
    /// re-ran: it takes that task's submission time and scenarios, so the deadline and the rule see it as that
    /// submission. The rejudge chose that task among everything the student had made before it started, so
    /// those older tasks no longer count; what the student submits afterwards competes as usual. A re-run that
    /// gave no result (not among the candidates) leaves the old tasks as they were.</summary>
    private static IEnumerable<GradeCandidate> WithRejudges(IEnumerable<GradeCandidate> candidates, IReadOnlyList<AppliedRejudge> rejudges)
    {
        var all = candidates.ToList();
        var byId = all.ToDictionary(c => c.TaskId);
        var latest = rejudges
            .Where(r => byId.ContainsKey(r.NewTaskId) && byId.ContainsKey(r.OldTaskId))
            .GroupBy(r => r.UserId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.MaxBy(r => r.StartedAt)!, StringComparer.Ordinal);
        var kept = all.Where(c => c.Source != RejudgeSource && !(latest.TryGetValue(c.UserId, out var r) && c.CreatedAt <= r.StartedAt));
        var stand = latest.Values.Select(r => byId[r.NewTaskId] with
        {
            CreatedAt = byId[r.OldTaskId].CreatedAt,
            IncludePrivate = byId[r.OldTaskId].IncludePrivate,
        });
        return kept.Concat(stand);
    }
}

/// <summary>An applied rejudge of one student: <paramref name="NewTaskId"/> re-ran <paramref name="OldTaskId"/>,
/// in a rejudge started at <paramref name="StartedAt"/>.</summary>
public sealed record AppliedRejudge(string UserId, Guid OldTaskId, Guid NewTaskId, DateTimeOffset StartedAt);
