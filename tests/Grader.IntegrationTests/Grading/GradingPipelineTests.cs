namespace Grader.IntegrationTests.Grading;

[Collection(GradingCollection.Name)]
public sealed class GradingPipelineTests(GraderFixture grader) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    [Fact]
    public async Task CorrectImagePassesEveryScenarioWithFullScore()
    {
        await grader.DemoAssignmentAsync("correct-image");

        var task = await grader.RunAsync(new TaskSpec("staff-1", "correct-image", grader.Image("correct"), IncludePrivate: true));

        Assert.Equal(GradingStatus.Completed, task.Status);
        Assert.Equal(AttemptEnd.Tested, task.End);
        Assert.Equal(["health", "hello", "list", "create", "missing", "delete"], task.Steps.Select(s => s.ScenarioId));
        Assert.All(task.Steps, s => Assert.Equal(StepOutcome.Passed, s.Outcome));
        Assert.Equal(8m, task.MaxScore);
        Assert.Equal(task.MaxScore, task.Score);
        Assert.StartsWith("sha256:", task.ImageDigest);
        Assert.Contains("student app starting in mode 'correct'", task.ContainerLogs);
        // An empty 204 is still judged and recorded (the reference system kept no record for it).
        var delete = Assert.Single(task.Steps, s => s.ScenarioId == "delete");
        Assert.Equal(204, delete.StatusCode);
        Assert.Equal("", delete.ResponseBody);
    }

    [Fact]
    public async Task WrongImageGetsAReadableDifferencePerScenario()
    {
        await grader.DemoAssignmentAsync("wrong-image");

        var task = await grader.RunAsync(new TaskSpec("staff-1", "wrong-image", grader.Image("wrong"), IncludePrivate: true));

        Assert.Equal(GradingStatus.Completed, task.Status);
        var steps = task.Steps.ToDictionary(s => s.ScenarioId);
        var health = steps["health"].Mismatches.Single();
        Assert.Equal(("$.status", "value mismatch", "\"OK\"", "\"DOWN\""), (health.Path, health.Reason, health.Expected, health.Actual));
        Assert.Contains(steps["create"].Mismatches, m => m is { Path: "status", Expected: "201", Actual: "200" });
        Assert.Contains(steps["create"].Mismatches, m => m is { Path: "$.name", Reason: "value mismatch", Expected: "\"New\"", Actual: "\"NEW\"" });
        // The wrong app drops the first item: named once, with no length row beside it.
        Assert.Equal(("$.items[0]", "missing item"), steps["list"].Mismatches.Select(m => (m.Path, m.Reason)).Single());
        Assert.Equal("Invalid HTTP status code (received 200, expected 204).", steps["delete"].Message);
        Assert.Equal(StepOutcome.Passed, steps["hello"].Outcome);
        Assert.Equal(StepOutcome.Passed, steps["missing"].Outcome);
        Assert.Equal(2m, task.Score);
        Assert.All(task.Steps.Where(s => s.Outcome == StepOutcome.Failed), s => Assert.Equal(0m, s.Points));
    }

    [Fact]
    public async Task StudentRunNeverRunsPrivateScenariosButStaffRunDoes()
    {
        await grader.DemoAssignmentAsync("visibility");

        var student = grader.RunAsync(new TaskSpec("student-1", "visibility", grader.Image("correct"), IncludePrivate: false));
        var staff = grader.RunAsync(new TaskSpec("staff-1", "visibility", grader.Image("correct"), IncludePrivate: true));

        Assert.Equal(["health", "hello", "list", "create"], (await student).Steps.Select(s => s.ScenarioId));
        Assert.DoesNotContain((await student).Steps, s => s.IsPrivate);
        Assert.Equal(6m, (await student).MaxScore);
        Assert.Equal(2, (await staff).Steps.Count(s => s.IsPrivate));
    }

    [Fact]
    public async Task AppThatNeverListensGetsTheNotReadyVerdictWithinItsStartupTimeout()
    {
        await grader.DemoAssignmentAsync("never-ready", a => a with { StartupTimeoutSeconds = 4 });

        var task = await grader.RunAsync(new TaskSpec("student-2", "never-ready", grader.Image("never-listen"), false));

        Assert.Equal(GradingStatus.Failed, task.Status);
        Assert.Equal(AttemptEnd.NotReady, task.End);
        Assert.Contains("did not become ready within 4 s", task.Message);
        Assert.Contains("initialising forever", task.ContainerLogs);
        Assert.Empty(task.Steps);
        var probing = task.Phases.Single(p => p.Phase == "probing").At;
        var waited = task.FinishedAt!.Value - probing;
        Assert.InRange(waited.TotalSeconds, 4, 4 + 10);
    }

    [Fact]
    public async Task AppThatCrashesAtStartReportsItsExitCodeAndLogs()
    {
        await grader.DemoAssignmentAsync("crashing");

        var task = await grader.RunAsync(new TaskSpec("student-3", "crashing", grader.Image("crash"), false));

        Assert.Equal(GradingStatus.Failed, task.Status);
        Assert.Equal(AttemptEnd.Crashed, task.End);
        Assert.Equal(3, task.ExitCode);
        Assert.Contains("exited with code 3", task.Message);
        Assert.Contains("fatal: could not read configuration file /app/config.yml", task.ContainerLogs);
    }

    [Fact]
    public async Task SlowStartingAppIsTestedAsSoonAsItAnswersWithoutAFixedWait()
    {
        await grader.DemoAssignmentAsync("slow-start", a => a with { StartupTimeoutSeconds = 20 });

        var task = await grader.RunAsync(new TaskSpec("student-4", "slow-start", grader.Image("slow-start"), false));

        Assert.Equal(GradingStatus.Completed, task.Status);
        Assert.All(task.Steps, s => Assert.Equal(StepOutcome.Passed, s.Outcome));
        var probing = task.Phases.Single(p => p.Phase == "probing").At;
        var testing = task.Phases.Single(p => p.Phase == "testing").At;
        // The app sleeps 3 s before listening; the probe notices within its back-off, not after a fixed pause.
        Assert.InRange((testing - probing).TotalSeconds, 2.5, 6);
    }

    [Fact]
    public async Task CancellingARunningTaskStopsItAndCleansUp()
    {
        await grader.DemoAssignmentAsync("cancel-me", a => a with { StartupTimeoutSeconds = 120 });
        var id = Guid.NewGuid();
        var probing = grader.Transitions.WaitForAsync(id, v => v.Phases.Any(p => p.Phase == "probing"), TimeSpan.FromMinutes(1));
        var cancelled = grader.Transitions.WaitForAsync(id, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(1));
        var taskGrain = grader.Grains.GetGrain<ITaskGrain>(id);

        await taskGrain.SubmitAsync(new TaskSpec("student-5", "cancel-me", grader.Image("never-listen"), false));
        await probing;
        await taskGrain.CancelAsync("student-5");

        Assert.Equal(GradingStatus.Cancelled, (await cancelled).Status);
        // The runner's cleanup ends after the task is marked cancelled; wait until the runner lets go.
        var runner = grader.Grains.GetGrain<Grader.Runners.IRunnerGrain>(grader.HostName);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await runner.HasJobAsync(id, 1) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.False(await runner.HasJobAsync(id, 1));
    }
}
