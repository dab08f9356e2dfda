namespace Grader.UnitTests.Tasks;

public class ScenarioScoresTests
{
    private static readonly DateTimeOffset At = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void StepsAreSummedPerScenarioAndSetupAndTeardownDoNotCount()
    {
        var view = View(
            Step("flow", 0, StepKind.Setup, StepOutcome.Failed, 0, 0),
            Step("flow", 0, StepKind.Step, StepOutcome.Passed, 2, 2),
            Step("flow", 1, StepKind.Step, StepOutcome.Blocked, 0, 3),
            Step("flow", 0, StepKind.Teardown, StepOutcome.Error, 0, 0),
            Step("single", 0, StepKind.Step, StepOutcome.Passed, 1, 1));

        var scores = view.ByScenario();

        Assert.Equal(
            [new ScenarioScore("flow", 2, 5, StepOutcome.Blocked), new ScenarioScore("single", 1, 1, StepOutcome.Passed)],
            scores);
    }

    [Fact]
    public void MismatchReadsAsOneLineWithValuesAndTypes()
    {
        var mismatch = new Mismatch("$.id", "type mismatch: expected number, got string", "1", "\"1\"", "number", "string");

        Assert.Equal("$.id: type mismatch: expected number, got string; expected 1 (number), got \"1\" (string)", mismatch.ToString());
        Assert.Equal("status: status code mismatch; expected 201, got 200", new Mismatch("status", "status code mismatch", "201", "200").ToString());
    }

    private static StepResult Step(string scenario, int index, StepKind kind, StepOutcome outcome, decimal points, decimal max) =>
        new(1, scenario, index, scenario, false, outcome, points, max, "GET /", 200, null, new List<Mismatch>(), null, 1, At, kind);

    private static TaskView View(params StepResult[] steps) => new(
        Guid.NewGuid(), new TaskSpec("u", "a", "img", true), GradingStatus.Completed, 1, "h", At, At, At, null, AttemptEnd.Tested,
        steps, new List<PhaseEvent>(), null, 0, false, steps.Sum(s => s.Points), steps.Sum(s => s.MaxPoints), null);
}
