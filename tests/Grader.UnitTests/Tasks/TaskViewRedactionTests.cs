using Grader.Assignments;

namespace Grader.UnitTests.Tasks;

public class TaskViewRedactionTests
{
    private static readonly DateTimeOffset At = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void PrivateScenariosAppearOnlyAsACountWithTheirPoints()
    {
        var view = View(Step("hidden-a", true, StepOutcome.Failed, 0.5m), Step("hidden-a", true, StepOutcome.Passed, 2, index: 1),
            Step("hidden-b", true, StepOutcome.Timeout, 0), Step("visible", false, StepOutcome.Passed, 2));

        var redacted = view.ForStudent();

        Assert.Equal(new HiddenScenarios(2, 2.5m, 6), redacted.Hidden);
        Assert.Equal(["visible"], redacted.Steps.Select(s => s.ScenarioId));
    }

    [Fact]
    public void NothingOfAPrivateScenarioIsEchoedToTheStudent()
    {
        var view = View(Step("hidden-id", true, StepOutcome.Failed, 0), Step("visible", false, StepOutcome.Failed, 0)) with
        {
            ContainerLogs = "INFO POST /secret body={\"token\":\"s3cret\"}",
        };

        var shown = System.Text.Json.JsonSerializer.Serialize(view.ForStudent());

        Assert.DoesNotContain("hidden-id", shown);
        Assert.DoesNotContain("/secret", shown);
        Assert.DoesNotContain("body=", shown);
        Assert.Contains("Title of visible", shown);
    }

    [Fact]
    public void SetupStepsOfAPrivateScenarioCountNoPoints()
    {
        var setup = Step("hidden", true, StepOutcome.Passed, 0) with { Kind = StepKind.Setup, MaxPoints = 0 };

        var redacted = View(setup, Step("hidden", true, StepOutcome.Passed, 2, index: 0)).ForStudent();

        Assert.Equal(new HiddenScenarios(1, 2, 2), redacted.Hidden);
        Assert.Empty(redacted.Steps);
    }

    [Fact]
    public void ViewWithoutPrivateStepsIsUnchanged()
    {
        var view = View(Step("visible", isPrivate: false, StepOutcome.Failed, points: 0));

        Assert.Same(view, view.ForStudent());
        Assert.Null(view.ForStudent().Hidden);
    }

    [Fact]
    public void ScoreAndOtherFieldsAreKeptAndTheOriginalIsNotChanged()
    {
        var view = View(Step("visible", false, StepOutcome.Passed, 2), Step("hidden", true, StepOutcome.Passed, 2));

        var redacted = view.ForStudent();

        Assert.Equal(view with { Steps = redacted.Steps, ContainerLogs = null, Hidden = redacted.Hidden }, redacted);
        Assert.Equal(4m, redacted.Score);
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

    [Fact]
    public void HiddenResultsAreReleasedOnlyAfterTheCloseTimeAndOnlyWhenStaffChoseTo()
    {
        var view = View(Step("hidden", true, StepOutcome.Failed, 0), Step("visible", false, StepOutcome.Passed, 2));
        var closed = new AssignmentDefinition("a", "A", DatabaseMode.None, null, [], new Dictionary<string, string>(), 8000, null, 60, 20,
            new ResourceLimits(), [], ClosesAt: At);
        var releasing = closed with { ReleaseHiddenAfterClose = true };

        Assert.Equal(["visible"], view.ForStudent(releasing, At.AddSeconds(-1)).Steps.Select(s => s.ScenarioId));
        Assert.Equal(["visible"], view.ForStudent(closed, At.AddDays(1)).Steps.Select(s => s.ScenarioId));
        Assert.Equal(["visible"], view.ForStudent(releasing with { ClosesAt = null }, At.AddDays(1)).Steps.Select(s => s.ScenarioId));
        Assert.Equal(["visible"], view.ForStudent(null, At.AddDays(1)).Steps.Select(s => s.ScenarioId));
        var released = view.ForStudent(releasing, At);
        Assert.Equal(["hidden", "visible"], released.Steps.Select(s => s.ScenarioId));
        Assert.Null(released.Hidden);
    }

    private static StepResult Step(string scenario, bool isPrivate, StepOutcome outcome, decimal points, int index = 0) => new(
        Attempt: 1,
        ScenarioId: scenario,
        StepIndex: index,
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
        Captures: new Dictionary<string, string> { ["token"] = "\"s3cret\"" },
        RequestHeaders: "X-Token: s3cret",
        RequestBody: """{"token":"s3cret"}""",
        ExpectedBody: """{"secret":false}""");

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
