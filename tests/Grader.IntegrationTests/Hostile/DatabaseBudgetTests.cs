using Grader.Sandbox;

namespace Grader.IntegrationTests.Hostile;

/// <summary>Budgets a role cannot lift for itself: its database's size, and its statement timeout.</summary>
[Collection(HostileDatabaseCollection.Name)]
public sealed class DatabaseBudgetTests(HostileDatabaseFixture grader) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    [Fact]
    public async Task DatabaseFilledPastItsBudgetEndsTheAttemptWithAVerdictAndIsDropped()
    {
        var assignment = await grader.DemoAssignmentAsync("hostile-db-fill", a => a with { StartupTimeoutSeconds = 120 });

        var task = await grader.RunAsync(new TaskSpec("student-fill", assignment.Id, grader.Image("db-fill"), false), TimeSpan.FromMinutes(3));

        Assert.Equal(GradingStatus.Failed, task.Status);
        Assert.Equal(AttemptEnd.OverBudget, task.End);
        Assert.Contains($"Your database grew past {HostileDatabaseFixture.DatabaseLimitMb} MB", task.Message);
        Assert.Equal(1, task.Attempt);
        var database = SandboxNames.For(grader.HostName, task.Id, task.Attempt).Name;
        Assert.Equal(0L, await LocalStack.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_database WHERE datname = @d", ("d", database)));
        Assert.Equal(0L, await LocalStack.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = @d", ("d", database)));
    }

    [Fact]
    public async Task QueryWithItsTimeoutTurnedOffIsCancelledByTheGovernorAndTheVerdictSaysSo()
    {
        var assignment = await grader.DemoAssignmentAsync("hostile-no-timeout", a => a with
        {
            Scenarios =
            [
                new Scenario("attack", "Lifts its own timeouts", true, 2,
                [
                    new ScenarioStep(new StepRequest("GET", "/v1/attack"), new StepExpectation([200], """{"alterRole": "done"}""")),
                    // 57014 is query_canceled: the 60 s sleep did not run to its end.
                    new ScenarioStep(new StepRequest("GET", "/v1/slow"), new StepExpectation([200], """{"set": "done", "sleep": "57014"}"""), TimeoutSeconds: 30),
                ]),
            ],
        });

        var task = await grader.RunAsync(new TaskSpec("student-no-timeout", assignment.Id, grader.Image("no-timeout"), false));

        Assert.True(task.Status == GradingStatus.Completed, task.Message);
        Assert.All(task.Steps, s => Assert.True(s.Outcome == StepOutcome.Passed, $"{s.Message} {s.ResponseBody}"));
        var slow = task.Steps.Single(s => s.Request.Contains("/v1/slow", StringComparison.Ordinal));
        Assert.InRange(slow.DurationMs, 2500, 10_000);
        Assert.Contains("The grader cancelled 1 database query that ran longer than the 3 s statement timeout", task.Message);
    }
}
