namespace Grader.IntegrationTests.Scenarios;

/// <summary>Acceptance test 3: a multi-step flow with a capture, matchers, unordered tags and SQL checks,
/// on the real student image in isolated database mode; then the same suite against an app with one bug
/// in each step in turn (the flow-bugs image, FLOW_BUG picks the step).</summary>
[Collection(GradingCollection.Name)]
public sealed class ItemLifecycleTests(GraderFixture grader) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    private async Task<TaskView> GradeAsync(string assignmentId, string image, string? bug = null)
    {
        await grader.DemoAssignmentAsync(assignmentId, a => a with
        {
            Scenarios = new List<Scenario>(),
            Environment = bug is null
                ? new Dictionary<string, string> { ["NAME"] = "Arthur" }
                : new Dictionary<string, string> { ["NAME"] = "Arthur", ["FLOW_BUG"] = bug },
        });
        await grader.StoreSuiteAsync(assignmentId, SuiteFiles.Read("item-lifecycle.yaml"), "item-lifecycle.yaml");
        var task = await grader.RunAsync(new TaskSpec("student-flow", assignmentId, grader.Image(image), IncludePrivate: false));
        Assert.Equal(GradingStatus.Completed, task.Status);
        Assert.Equal(["create", "read back", "delete", "gone"], task.Steps.Select(s => s.Title.Split(": ")[^1]));
        Assert.Equal(10m, task.MaxScore);
        return task;
    }

    [Fact]
    public async Task CorrectAppPassesEveryStepOfTheLifeCycle()
    {
        var task = await GradeAsync("lifecycle-correct", "correct");

        Assert.All(task.Steps, s => Assert.Equal(StepOutcome.Passed, s.Outcome));
        Assert.Equal(10m, task.Score);
        Assert.Equal([2m, 3m, 2m, 3m], task.Steps.Select(s => s.Points));
        var id = task.Steps[0].Captures!["id"];
        Assert.Equal("101", id);
        Assert.Equal($"GET /v1/items/{id}", task.Steps[1].Request);
        Assert.Equal((204, ""), (task.Steps[2].StatusCode, task.Steps[2].ResponseBody));
        Assert.Equal(new ScenarioScore("item-lifecycle", 10, 10, StepOutcome.Passed), Assert.Single(task.ByScenario()));
    }

    [Fact]
    public async Task BugInTheCreateStepBlocksEveryStepThatNeedsTheCapturedId()
    {
        var task = await GradeAsync("lifecycle-bug-post", "flow-bugs", "post");

        Assert.Equal([StepOutcome.Failed, StepOutcome.Blocked, StepOutcome.Blocked, StepOutcome.Blocked], task.Steps.Select(s => s.Outcome));
        Assert.Equal(0m, task.Score);
        Assert.Equal("Invalid HTTP status code (received 200, expected 201).", task.Steps[0].Message);
        Assert.Equal("curl -i -X POST 'http://localhost:8000/v1/items' -H 'Content-Type: application/json' --data-raw '{\"name\":\"Lifecycle\",\"tags\":[\"red\",\"green\",\"blue\"]}'", task.Steps[0].Curl);
        Assert.All(task.Steps.Skip(1), s =>
        {
            Assert.Equal("Blocked: needs {{id}} from step 1 (create), which failed.", s.Message);
            Assert.Empty(s.Mismatches);
            Assert.Null(s.StatusCode);
        });
    }

    [Fact]
    public async Task BugInTheReadBackStepListsEveryMismatchWithTypes()
    {
        var task = await GradeAsync("lifecycle-bug-get", "flow-bugs", "get");

        Assert.Equal([StepOutcome.Passed, StepOutcome.Failed, StepOutcome.Passed, StepOutcome.Passed], task.Steps.Select(s => s.Outcome));
        Assert.Equal(7m, task.Score);
        var mismatches = task.Steps[1].Mismatches;
        Assert.Contains(mismatches, m => m is { Path: "$.created_at", Reason: "expected an ISO 8601 date-time", ExpectedType: "string (ISO 8601 date-time)", ActualType: "string" });
        // The tags are unordered, so the lost one is named by the expected item that found no partner.
        Assert.Contains(mismatches, m => m is { Path: "$.tags[1]", Reason: "unmatched array item: no actual items left", Expected: "\"red\"", ActualType: "missing" });
        Assert.Equal("2 differences from the expected answer.", task.Steps[1].Message);
    }

    [Fact]
    public async Task WrongRowInTheDatabaseFailsTheSqlCheckOnly()
    {
        var task = await GradeAsync("lifecycle-bug-sql-row", "flow-bugs", "sql-row");

        Assert.Equal([StepOutcome.Passed, StepOutcome.Failed, StepOutcome.Passed, StepOutcome.Passed], task.Steps.Select(s => s.Outcome));
        var mismatch = Assert.Single(task.Steps[1].Mismatches);
        Assert.Equal(("sql[1] $[0].name", "value mismatch: only white space differs (the row is stored)", "\"Lifecycle\"", "\"Lifecycle·\""),
            (mismatch.Path, mismatch.Reason, mismatch.Expected, mismatch.Actual));
        Assert.Equal(7m, task.Score);
    }

    [Fact]
    public async Task DeleteThatAnswers200WithABodyFailsOnStatusAndBody()
    {
        var task = await GradeAsync("lifecycle-bug-delete", "flow-bugs", "delete");

        Assert.Equal([StepOutcome.Passed, StepOutcome.Passed, StepOutcome.Failed, StepOutcome.Passed], task.Steps.Select(s => s.Outcome));
        Assert.Equal([("status", "status code mismatch"), ("$", "expected an empty body")], task.Steps[2].Mismatches.Select(m => (m.Path, m.Reason)));
        Assert.Equal(8m, task.Score);
    }

    [Fact]
    public async Task DeletedItemThatStillAnswers200FailsTheLastStep()
    {
        var task = await GradeAsync("lifecycle-bug-gone", "flow-bugs", "gone");

        Assert.Equal([StepOutcome.Passed, StepOutcome.Passed, StepOutcome.Passed, StepOutcome.Failed], task.Steps.Select(s => s.Outcome));
        Assert.Equal("Invalid HTTP status code (received 200, expected 404).", task.Steps[3].Message);
        Assert.Equal(7m, task.Score);
    }

    [Fact]
    public async Task RowLeftInTheDatabaseAfterDeleteFailsTheSqlCheckOfTheLastStep()
    {
        var task = await GradeAsync("lifecycle-bug-sql-no-row", "flow-bugs", "sql-no-row");

        Assert.Equal([StepOutcome.Passed, StepOutcome.Passed, StepOutcome.Passed, StepOutcome.Failed], task.Steps.Select(s => s.Outcome));
        var mismatch = Assert.Single(task.Steps[3].Mismatches);
        Assert.Equal(("sql[1] $", "array length mismatch: expected 0 items, got 1 (the row is gone)"), (mismatch.Path, mismatch.Reason));
        Assert.Equal(404, task.Steps[3].StatusCode);
        Assert.Equal(7m, task.Score);
    }
}
