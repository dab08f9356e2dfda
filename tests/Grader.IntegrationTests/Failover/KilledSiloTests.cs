using Grader.Runners;
using Grader.Sandbox;

namespace Grader.IntegrationTests.Failover;

/// <summary>A host that dies mid-task (killed, no chance to clean up) loses nothing: a live host notices
/// through membership (or the task's watchdog), the task is graded again elsewhere (never charged to the
/// student), and the dead host's leftovers are removed.</summary>
public sealed class KilledSiloTests : IAsyncLifetime
{
    private readonly string _database = $"grader_it_failover_{LocalStack.RunId}";
    private readonly string _template = $"grader_it_tpl_failover_{LocalStack.RunId}";
    private readonly string _cluster = $"it-failover-{LocalStack.RunId}";

    public async Task InitializeAsync()
    {
        LocalStack.RunScript("infra/images/build.sh");
        await LocalStack.CreateDatabaseAsync(_database);
        await LocalStack.CreateDatabaseAsync(_template, await File.ReadAllTextAsync(Path.Combine(LocalStack.RepoRoot, "infra/demo/template.sql")));
    }

    public async Task DisposeAsync()
    {
        await LocalStack.DropDatabaseAsync(_database);
        await LocalStack.DropDatabaseAsync(_template);
    }

    [Fact]
    public async Task TaskOnAKilledHostIsFinishedByAnotherHostAndTheDeadHostsLeftoversAreRemoved()
    {
        var hostA = $"doomed-{LocalStack.RunId}";
        var hostB = $"survivor-{LocalStack.RunId}";
        var taskId = Guid.NewGuid();
        await using var siloA = SiloProcess.Start(SiloSettings.For(hostA, _database, _cluster));
        using (var client = await ClusterClient.ConnectAsync(_cluster))
        {
            var grains = client.Grains();
            // The app takes 6 s to listen, so the kill lands while host A is probing it.
            await grains.GetGrain<IAssignmentGrain>("failover").SetAsync(new AssignmentDefinition("failover", "Failover", DatabaseMode.Isolated, _template,
                ["public"], new Dictionary<string, string> { ["START_DELAY_SECONDS"] = "6" }, 8000, null, 60, 10, new ResourceLimits(),
                [new Scenario("list", "Lists", true, 1, [new ScenarioStep(new StepRequest("GET", "/v1/items"), new StepExpectation([200]))])]));
            await grains.GetGrain<ITaskGrain>(taskId).SubmitAsync(
                new TaskSpec("student-f", "failover", $"{LocalStack.Get("GRADER_REGISTRY")}/students/app:slow-start", false));
            await WaitUntilAsync(async () => (await grains.GetGrain<ITaskGrain>(taskId).GetAsync()) is { Host: var h, Phases: var p }
                && h == hostA && p.Any(e => e.Phase == "probing"), TimeSpan.FromSeconds(90), () => siloA.Output);
        }

        siloA.Kill();
        var settingsB = SiloSettings.For(hostB, _database, _cluster);
        await using var siloB = await InProcessSilo.StartAsync(settingsB);
        var finished = siloB.Service<TaskTransitions>().WaitForAsync(taskId, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(3));
        // The task grain may already have moved to B and finished before we subscribed.
        var task = await Task.WhenAny(finished, PollUntilTerminalAsync(siloB, taskId)).Unwrap();

        Assert.Equal(GradingStatus.Completed, task.Status);
        Assert.Equal(2, task.Attempt);
        Assert.Equal(hostB, task.Host);
        Assert.Contains(task.Phases, p => p.Phase == "requeued" && p.Attempt == 1 && p.StaffDetail!.Contains(hostA, StringComparison.Ordinal));
        Assert.Equal(StepOutcome.Passed, Assert.Single(task.Steps).Outcome);

        // Host A's container and database sandbox were orphaned by the kill, until membership declared A
        // dead: then B dropped A's role and database, and, sharing A's engine here, its container too.
        var tagA = SandboxNames.TagFor(hostA);
        var services = siloB.Service<GradingServices>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await services.Database.ListOwnAsync(tagA, CancellationToken.None)).Count > 0 || (await services.Engine.ListOwnContainersAsync(tagA, CancellationToken.None)).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the dead host's leftovers were not removed");
            await Task.Delay(200);
        }

        Assert.Empty(await services.Engine.ListOwnContainersAsync(SandboxNames.TagFor(hostB), CancellationToken.None));
        Assert.Empty(await services.Database.ListOwnAsync(SandboxNames.TagFor(hostB), CancellationToken.None));
    }

    private static async Task<TaskView> PollUntilTerminalAsync(InProcessSilo silo, Guid taskId)
    {
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            if (await silo.Grains.GetGrain<ITaskGrain>(taskId).GetAsync() is { } view && view.Status.IsTerminal())
            {
                return view;
            }
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan limit, Func<string> diagnostics)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached; silo output:\n" + diagnostics());
            await Task.Delay(100);
        }
    }
}
