using Grader.Tasks;

namespace Grader.UnitTests.Tasks;

public class TaskViewRedactionTests
{
    private static readonly DateTimeOffset At = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void PrivateStepLosesRequestResponseMismatchesAndMessage()
    {
        var view = View(Step("hidden", isPrivate: true, StepOutcome.Failed, points: 0.5m));

        var step = Assert.Single(view.ForStudent().Steps);

        Assert.Equal("(private)", step.Request);
        Assert.Null(step.ResponseBody);
        Assert.Null(step.StatusCode);
        Assert.Empty(step.Mismatches);
        Assert.Null(step.Message);
        Assert.Null(step.Curl);
        Assert.Null(step.Captures);
    }

    [Fact]
    public void PrivateStepKeepsItsVerdictPointsAndIdentity()
    {
        var original = Step("hidden", isPrivate: true, StepOutcome.Timeout, points: 0.5m);

        var step = Assert.Single(View(original).ForStudent().Steps);

        Assert.Equal(StepOutcome.Timeout, step.Outcome);
        Assert.Equal(0.5m, step.Points);
        Assert.Equal(2m, step.MaxPoints);
        Assert.Equal((original.Attempt, original.ScenarioId, original.StepIndex, original.Title, original.IsPrivate),
            (step.Attempt, step.ScenarioId, step.StepIndex, step.Title, step.IsPrivate));
        Assert.Equal(original.DurationMs, step.DurationMs);
        Assert.Equal(original.ReportedAt, step.ReportedAt);
    }

    [Fact]
    public void PublicStepIsUnchanged()
    {
        var visible = Step("visible", isPrivate: false, StepOutcome.Failed, points: 0);

        var redacted = View(visible, Step("hidden", isPrivate: true, StepOutcome.Passed, points: 2)).ForStudent();

        Assert.Same(visible, redacted.Steps[0]);
        Assert.Equal("(private)", redacted.Steps[1].Request);
    }

    [Fact]
    public void ScoreAndOtherFieldsAreKeptAndTheOriginalIsNotChanged()
    {
        var view = View(Step("visible", false, StepOutcome.Passed, 2), Step("hidden", true, StepOutcome.Passed, 2));

        var redacted = view.ForStudent();

        Assert.Equal(view with { Steps = redacted.Steps, ContainerLogs = null }, redacted);
        Assert.Equal("GET /secret?token=1", view.Steps[1].Request);
        Assert.Single(view.Steps[1].Mismatches);
    }

    [Fact]
    public void RedactedViewDoesNotLeakPrivateRequestsThroughContainerLogs()
    {
        var view = View(Step("hidden", true, StepOutcome.Passed, 2)) with { ContainerLogs = "INFO GET /secret?token=1 200" };

        Assert.DoesNotContain("/secret", view.ForStudent().ContainerLogs ?? "");
    }

    [Fact]
    public void StudentGetsThePlainWordsButNotTheStaffDetailOfInfrastructureEvents()
    {
        var view = View() with
        {
            Phases = [new PhaseEvent(1, "requeued", "re-run: the grader's database restarted", At, "NpgsqlException: 57P01 on S10.1.2.3:11111:99")],
            Message = "The grader could not run this task.",
            StaffMessage = "InvalidOperationException at Grader.Runners.GradingJob.RunAsync()",
        };

        var redacted = view.ForStudent();

        Assert.Null(redacted.StaffMessage);
        Assert.Equal((view.Message, "re-run: the grader's database restarted", null), (redacted.Message, redacted.Phases[0].Detail, redacted.Phases[0].StaffDetail));
        Assert.NotNull(view.Phases[0].StaffDetail);
    }

    private static StepResult Step(string scenario, bool isPrivate, StepOutcome outcome, decimal points) => new(
        Attempt: 1,
        ScenarioId: scenario,
        StepIndex: 0,
        Title: "Title of " + scenario,
        IsPrivate: isPrivate,
        Outcome: outcome,
        Points: points,
        MaxPoints: 2,
        Request: isPrivate ? "GET /secret?token=1" : "GET /items",
        StatusCode: 500,
        ResponseBody: """{"secret":true}""",
        Mismatches: [new Mismatch("$.secret", "value mismatch", "false", "true")],
        Message: "expected status 200",
        DurationMs: 12.5,
        ReportedAt: At,
        Curl: isPrivate ? "curl -i 'http://localhost:8000/secret?token=1'" : "curl -i 'http://localhost:8000/items'",
        Captures: new Dictionary<string, string> { ["token"] = "\"s3cret\"" });

    private static TaskView View(params StepResult[] steps) => new(
        Guid.NewGuid(),
        new TaskSpec("alice", "dbs-1", "ghcr.io/alice/app:latest", IncludePrivate: true),
        GradingStatus.Completed,
        1,
        "host-1",
        At,
        At,
        At.AddMinutes(1),
        null,
        AttemptEnd.Tested,
        steps,
        [new PhaseEvent(1, "testing", "ready after 100 ms", At)],
        "INFO listening",
        0,
        false,
        steps.Sum(s => s.Points),
        steps.Sum(s => s.MaxPoints),
        "sha256:abc");
}
