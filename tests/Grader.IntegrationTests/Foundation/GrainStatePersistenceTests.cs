namespace Grader.IntegrationTests.Foundation;

public sealed class GrainStatePersistenceTests : IAsyncLifetime
{
    private readonly string _database = $"grader_it_persist_{LocalStack.RunId}";
    private readonly string _cluster = $"it-persist-{LocalStack.RunId}";

    public Task InitializeAsync() => LocalStack.CreateDatabaseAsync(_database);

    public Task DisposeAsync() => LocalStack.DropDatabaseAsync(_database);

    [Fact]
    public async Task StateWrittenByOneSiloIsReadBackByTheNextAndVisibleAsJsonb()
    {
        var settings = SiloSettings.For($"persist-{LocalStack.RunId}", _database, _cluster);
        var assignment = new AssignmentDefinition("persisted-assignment", "Survives restarts", DatabaseMode.None, null, [], new Dictionary<string, string>(),
            8000, null, 10, 5, new ResourceLimits(), [new Scenario("ping", "Ping", true, 1, [new ScenarioStep(new StepRequest("GET", "/ping"), new StepExpectation([200]))])]);
        var taskId = Guid.NewGuid();

        await using (var first = await InProcessSilo.StartAsync(settings))
        {
            await first.Grains.GetGrain<IAssignmentGrain>(assignment.Id).SetAsync(assignment);
            // The task names an assignment that does not exist, so the runner fails it at once: still a
            // Guid-keyed state row to find through the view.
            var failed = first.Service<TaskTransitions>().WaitForAsync(taskId, v => v.Status.IsTerminal(), TimeSpan.FromSeconds(60));
            await first.Grains.GetGrain<ITaskGrain>(taskId).SubmitAsync(new TaskSpec("alice", "no-such-assignment", "example.org/a/b:1", false));
            Assert.Equal(GradingStatus.Failed, (await failed).Status);
        }

        await using (var second = await InProcessSilo.StartAsync(settings))
        {
            var readBack = await second.Grains.GetGrain<IAssignmentGrain>(assignment.Id).GetAsync();
            Assert.NotNull(readBack);
            Assert.Equal("Survives restarts", readBack.Title);
            Assert.Equal("/ping", Assert.Single(Assert.Single(readBack.Scenarios).Steps).Request.Path);
            var task = await second.Grains.GetGrain<ITaskGrain>(taskId).GetAsync();
            Assert.Equal(GradingStatus.Failed, task!.Status);
            Assert.Contains("no-such-assignment", task.Message);
        }

        var title = await LocalStack.ScalarAsync<string>(_database,
            "SELECT state->'Definition'->>'Title' FROM grain_state WHERE state_name = 'assignment' AND grain_key = @key",
            ("key", assignment.Id));
        Assert.Equal("Survives restarts", title);
        var status = await LocalStack.ScalarAsync<string>(_database,
            "SELECT state->>'Status' FROM grain_state WHERE state_name = 'task' AND grain_key = @key",
            ("key", taskId.ToString()));
        Assert.Equal("Failed", status);
    }
}
