using Grader.Tasks;

namespace Grader.Rejudges;

/// <summary>Old against new for one student. A verdict is the task's status and each scored step's outcome;
/// it changed when the re-run finished and its verdict or score differs from the old one.</summary>
[GenerateSerializer, Immutable, Alias("grader.RejudgeRow")]
public sealed record RejudgeRow(
    [property: Id(0)] string UserId,
    [property: Id(1)] Guid OldTaskId,
    [property: Id(2)] Guid NewTaskId,
    [property: Id(3)] string OldVerdict,
    [property: Id(4)] string NewVerdict,
    [property: Id(5)] decimal OldScore,
    [property: Id(6)] decimal NewScore,
    [property: Id(7)] decimal MaxScore,
    [property: Id(8)] bool Finished,
    [property: Id(9)] bool Changed,
    [property: Id(10)] IReadOnlyList<string> ChangedSteps);

public static class RejudgeComparison
{
    /// <summary>A missing task (never stored) shows as "missing"; an unfinished re-run has not changed anything yet.</summary>
    public static RejudgeRow Compare(RejudgeEntry entry, TaskView? old, TaskView? fresh)
    {
        var before = Outcomes(old);
        var after = Outcomes(fresh);
        var finished = fresh is not null && fresh.Status.IsTerminal();
        var steps = before.Keys.Union(after.Keys).Order(StringComparer.Ordinal)
            .Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k))
            .Select(k => $"{k}: {before.GetValueOrDefault(k) ?? "not run"} → {after.GetValueOrDefault(k) ?? "not run"}")
            .ToList();
        var changed = finished && (old?.Status != fresh!.Status || old?.Score != fresh.Score || steps.Count > 0);
        return new RejudgeRow(entry.UserId, entry.OldTaskId, entry.NewTaskId, Verdict(old), Verdict(fresh), old?.Score ?? 0, fresh?.Score ?? 0,
            fresh?.MaxScore ?? old?.MaxScore ?? 0, finished, changed, finished ? steps : []);
    }

    /// <summary>Whether the preview can be decided on: every re-run has finished.</summary>
    public static string? NotReady(IReadOnlyList<RejudgeRow> rows) =>
        rows.Count(r => !r.Finished) is var waiting and > 0 ? $"{waiting} re-runs have not finished yet." : null;

    private static string Verdict(TaskView? view) => view is null
        ? "missing"
        : view.Status.IsTerminal()
            ? $"{view.Status}: {view.Steps.Count(s => s.Kind == StepKind.Step && s.Outcome == StepOutcome.Passed)}/{view.Steps.Count(s => s.Kind == StepKind.Step)} steps passed"
            : view.Status.ToString();

    private static Dictionary<string, string> Outcomes(TaskView? view) =>
        (view?.Steps ?? []).Where(s => s.Kind == StepKind.Step)
            .GroupBy(s => $"{s.ScenarioId}#{s.StepIndex + 1}", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Outcome.ToString(), StringComparer.Ordinal);
}
