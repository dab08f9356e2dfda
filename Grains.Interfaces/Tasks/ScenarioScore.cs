namespace Grader.Tasks;

/// <summary>One scenario's total in a task: its scored steps summed, and the worst verdict among them.</summary>
[GenerateSerializer, Immutable, Alias("grader.ScenarioScore")]
public sealed record ScenarioScore(
    [property: Id(0)] string ScenarioId,
    [property: Id(1)] decimal Points,
    [property: Id(2)] decimal MaxPoints,
    [property: Id(3)] StepOutcome Outcome);

public static class ScenarioScores
{
    /// <summary>Per scenario, in the order the scenarios ran. Setup and teardown carry no points and do
    /// not change the verdict: a scenario whose steps all passed passed.</summary>
    public static IReadOnlyList<ScenarioScore> ByScenario(this TaskView view) =>
        view.Steps.Where(s => s.Kind == StepKind.Step)
            .GroupBy(s => s.ScenarioId)
            .Select(g => new ScenarioScore(g.Key, g.Sum(s => s.Points), g.Sum(s => s.MaxPoints), g.Max(s => s.Outcome)))
            .ToList();
}
