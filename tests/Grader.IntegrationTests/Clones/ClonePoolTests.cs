using Grader.Runners;
using Grader.Sandbox;

namespace Grader.IntegrationTests.Clones;

[Collection(ClonePoolCollection.Name)]
public sealed class ClonePoolTests(ClonePoolFixture grader) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        grader.Runner.Resume();
        await grader.AssertNothingLeftAsync();
        // Whatever the pool still has on the server it holds; nothing pooled is orphaned.
        Assert.All((await grader.PooledOnServerAsync()).Keys, name => Assert.True(grader.Pool.Holds(name), $"{name} is on the server but not in the pool"));
    }

    private static ScenarioStep Step(string method, string path, int status, string expected, string? body = null) =>
        new(new StepRequest(method, path, body), new StepExpectation([status], expected, null, MatchMode.Lenient));

    /// <summary>Each task writes a row and must then see the two seeded rows and its own only.</summary>
    private static AssignmentDefinition WritesOwnRow(AssignmentDefinition a) => a with
    {
        Scenarios =
        [
            new Scenario("write-then-read", "Creates an item and lists", true, 1,
            [
                Step("POST", "/v1/items", 201, """{"id": 101, "name": "mine"}""", """{"name": "mine", "tags": []}"""),
                Step("GET", "/v1/items", 200, """{"items": [{"id": 1}, {"id": 2}, {"id": 101, "name": "mine"}]}"""),
            ]),
        ],
    };

    private async Task<List<Guid>> SubmitDrainedAsync(string assignment, int count)
    {
        Assert.Equal(RunnerState.Drained, grader.Runner.Drain().State);
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var id = Guid.NewGuid();
            await grader.Grains.GetGrain<ITaskGrain>(id).SubmitAsync(new TaskSpec($"student-{assignment}-{i}", assignment, grader.Image("correct"), false));
            ids.Add(id);
        }

        return ids;
    }

    [Fact]
    public async Task QueuedIsolatedTaskTakesAPooledCloneAndGradesCorrectly()
    {
        var assignment = await grader.DemoAssignmentAsync("pool-taken", WritesOwnRow);
        var ids = await SubmitDrainedAsync(assignment.Id, 1);
        await grader.FillUntilAsync(p => p.Any(c => c.Key.Assignment == assignment.Id), "one clone for the queued task");
        var pooled = grader.Pool.Snapshot().Single(c => c.Key.Assignment == assignment.Id).Name;
        var hits = grader.Pool.Claimed.Hits;

        grader.Runner.Resume();
        var task = await grader.FinalAsync(ids[0]);

        Assert.True(task.Status == GradingStatus.Completed, task.Message);
        Assert.All(task.Steps, s => Assert.True(s.Outcome == StepOutcome.Passed, $"{s.ScenarioId}: {s.Message}"));
        Assert.Equal(hits + 1, grader.Pool.Claimed.Hits);
        // It was renamed to the attempt's name, not copied: the pooled name is gone from the server.
        Assert.DoesNotContain(pooled, (await grader.PooledOnServerAsync()).Keys);
        Assert.Equal(0L, await LocalStack.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = @n", ("n", pooled)));
        Assert.Equal(2L, await LocalStack.ScalarAsync<long>(assignment.Database!, "SELECT count(*) FROM items"));
    }

    [Fact]
    public async Task TwoConcurrentClaimsNeverGetTheSameClone()
    {
        var assignment = await grader.DemoAssignmentAsync("pool-concurrent", WritesOwnRow);
        var ids = await SubmitDrainedAsync(assignment.Id, 2);
        await grader.FillUntilAsync(p => p.Count(c => c.Key.Assignment == assignment.Id) >= 2, "two clones for two queued tasks");
        var hits = grader.Pool.Claimed.Hits;

        grader.Runner.Resume();
        var tasks = await Task.WhenAll(ids.Select(id => grader.FinalAsync(id)));

        // Both pass "exactly the seeded rows and my own": a shared clone would show the other's row.
        Assert.All(tasks, t => Assert.All(t.Steps, s => Assert.True(s.Outcome == StepOutcome.Passed, $"{s.ScenarioId}: {s.Message} {s.ResponseBody}")));
        Assert.Equal(hits + 2, grader.Pool.Claimed.Hits);
        Assert.True(tasks[0].StartedAt < tasks[1].FinishedAt && tasks[1].StartedAt < tasks[0].FinishedAt, "the two tasks did not run at the same time");
    }

    [Fact]
    public async Task AClaimOnItsWayKeepsTheCloneTheQueueNoLongerCounts()
    {
        // A claimed task is no longer queued, so until its attempt takes the clone the pool would see a
        // surplus; with this fixture's idle timeout of zero it would drop it at once.
        var assignment = await grader.DemoAssignmentAsync("pool-arriving", WritesOwnRow);
        var ids = await SubmitDrainedAsync(assignment.Id, 1);
        await grader.FillUntilAsync(p => p.Any(c => c.Key.Assignment == assignment.Id), "a clone for the queued task");
        var pooled = grader.Pool.Snapshot().Single(c => c.Key.Assignment == assignment.Id).Name;
        var filler = grader.Services.GetRequiredService<Grader.Sandbox.Clones.ClonePoolFiller>();
        var arriving = Guid.NewGuid();
        grader.Pool.Expect(arriving);
        await grader.Grains.GetGrain<ITaskGrain>(ids[0]).CancelAsync("pool-arriving-staff");
        await WaitNotQueuedAsync(ids[0]);

        await filler.RoundAsync(CancellationToken.None);
        Assert.Contains(pooled, grader.Pool.Snapshot().Select(c => c.Name));

        grader.Pool.Arrived(arriving);
        await grader.FillUntilAsync(p => p.All(c => c.Name != pooled), "the surplus clone dropped once nothing is on its way");
        Assert.DoesNotContain(pooled, (await grader.PooledOnServerAsync()).Keys);
    }

    private async Task WaitNotQueuedAsync(Guid id)
    {
        for (var i = 0; i < 100; i++)
        {
            var status = await LocalStack.ScalarAsync<string?>(grader.StateDatabase, "SELECT status FROM task_summary WHERE task_id = @id", ("id", id));
            if (status is not null && status != "Queued")
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"task {id} still queued in the read model");
    }

    [Fact]
    public async Task TemplateChangeDropsThePoolAndTheNextClaimSeesTheNewData()
    {
        var assignment = await grader.DemoAssignmentAsync("pool-template-change", a => WritesOwnRow(a) with
        {
            Scenarios = [new Scenario("count", "Lists", true, 1, [Step("GET", "/v1/items", 200, """{"items": [{"id": 1}, {"id": 2}, {"id": 3, "name": "re-imported"}]}""")])],
        });
        var ids = await SubmitDrainedAsync(assignment.Id, 1);
        await grader.FillUntilAsync(p => p.Any(c => c.Key.Assignment == assignment.Id), "a clone of the old template");
        var stale = grader.Pool.Snapshot().Single(c => c.Key.Assignment == assignment.Id);

        // Staff re-import the reference data in place (the session's end publishes its statistics).
        await LocalStack.ExecAsync(assignment.Database!, "INSERT INTO items (id, name) VALUES (3, 're-imported')");
        await grader.FillUntilAsync(p => p.All(c => c.Name != stale.Name), "the stale clone dropped");

        Assert.DoesNotContain(stale.Name, (await grader.PooledOnServerAsync()).Keys);
        Assert.All(grader.Pool.Snapshot().Where(c => c.Key.Assignment == assignment.Id), c => Assert.NotEqual(stale.Key.Version, c.Key.Version));
        grader.Runner.Resume();
        var task = await grader.FinalAsync(ids[0]);
        Assert.All(task.Steps, s => Assert.True(s.Outcome == StepOutcome.Passed, $"{s.ScenarioId}: {s.Message} {s.ResponseBody}"));
    }

    [Fact]
    public async Task ThePoolStaysWithinItsDiskBudget()
    {
        // About 40 MB a clone: the cap (3) and the queue (4) would allow three, the 100 MB budget two.
        var assignment = await grader.DemoAssignmentAsync("pool-budget");
        await LocalStack.ExecAsync(assignment.Database!, "CREATE TABLE ballast AS SELECT g AS id, repeat(md5(g::text), 28) AS body FROM generate_series(1, 33000) g");
        var template = await LocalStack.ScalarAsync<long>("postgres", "SELECT pg_database_size(@n)", ("n", assignment.Database!));
        Assert.InRange(template, 34L << 20, 50L << 20);
        var ids = await SubmitDrainedAsync(assignment.Id, 4);

        await grader.FillUntilAsync(p => p.Count(c => c.Key.Assignment == assignment.Id) >= 2, "two clones");
        var filler = grader.Services.GetRequiredService<Grader.Sandbox.Clones.ClonePoolFiller>();
        await filler.RoundAsync(CancellationToken.None);
        await filler.RoundAsync(CancellationToken.None);

        var onServer = await grader.PooledOnServerAsync();
        Assert.Equal(2, grader.Pool.Snapshot().Count(c => c.Key.Assignment == assignment.Id));
        Assert.True(onServer.Values.Sum() <= (long)ClonePoolFixture.BudgetMb << 20, $"pooled {onServer.Values.Sum() >> 20} MB on the server");
        grader.Runner.Resume();
        var tasks = await Task.WhenAll(ids.Select(id => grader.FinalAsync(id)));
        Assert.All(tasks, t => Assert.True(t.Status == GradingStatus.Completed, t.Message));
    }

    [Fact]
    public async Task AKilledHostsPoolIsRemovedByTheDeadHostSweepAndAnUnheldOwnCloneByTheHostsOwn()
    {
        // What a killed host leaves: a pooled database and its prepared role under its tag.
        var dead = $"killed-{LocalStack.RunId}";
        var leftover = SandboxNames.NewPoolName(SandboxNames.TagFor(dead));
        var ownOrphan = SandboxNames.NewPoolName(SandboxNames.TagFor(grader.HostName));
        foreach (var name in new[] { leftover, ownOrphan })
        {
            await LocalStack.ExecAsync("postgres", $"CREATE ROLE \"{name}\" NOLOGIN");
            await LocalStack.ExecAsync("postgres", $"CREATE DATABASE \"{name}\"");
        }

        var sweeper = grader.Services.GetRequiredService<HostSweeper>();
        await sweeper.RemoveOrphansAsync(dead, (_, _) => false, CancellationToken.None);
        await sweeper.RemoveOrphansAsync(grader.HostName, grader.Runner.HasJob, CancellationToken.None);

        foreach (var name in new[] { leftover, ownOrphan })
        {
            Assert.Equal(0L, await LocalStack.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_database WHERE datname = @n", ("n", name)));
            Assert.Equal(0L, await LocalStack.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = @n", ("n", name)));
        }
    }
}
