namespace Grader.Rejudges;

/// <summary>A student's grade as the gradebook chose it: the task and its score.</summary>
public sealed record GradedTask(string UserId, Guid TaskId, decimal Score, decimal MaxScore);

public static class RejudgeSelection
{
    /// <summary>The chosen tasks a rejudge of <paramref name="scope"/> re-runs. <paramref name="evaluationUsers"/>
    /// are the students of the evaluation, for <see cref="RejudgeScope.Evaluation"/>.</summary>
    public static IReadOnlyList<RejudgeTarget> Select(IEnumerable<GradedTask> chosen, RejudgeScope scope, IReadOnlyCollection<string>? evaluationUsers) =>
        chosen.Where(t => scope switch
            {
                RejudgeScope.Evaluation => evaluationUsers?.Contains(t.UserId, StringComparer.Ordinal) == true,
                RejudgeScope.BelowFull => t.Score < t.MaxScore,
                _ => true,
            })
            .OrderBy(t => t.UserId, StringComparer.Ordinal)
            .Select(t => new RejudgeTarget(t.UserId, t.TaskId))
            .ToList();
}
