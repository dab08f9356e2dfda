using Xunit.Abstractions;

namespace Grader.IntegrationTests.Grading;

/// <summary>What one graded task costs the grader's database: task state writes (counted by the storage
/// hook), step rows written to the read model (counted by a trigger in this run's own database) and
/// commits (pg_stat_database). The bounds keep the write amplification from coming back.</summary>
[Collection(GradingCollection.Name)]
public sealed class WriteAmplificationTests(GraderFixture grader, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Tasks = 3;

    // An idle backend reports its pending statistics within PostgreSQL's idle interval (10 s), so the
    // counters are read once they have held still across it.
    private static readonly TimeSpan StatsSettle = TimeSpan.FromSeconds(11);

    public async Task InitializeAsync() => await LocalStack.ExecAsync(grader.StateDatabase, """
        CREATE TABLE IF NOT EXISTS it_step_writes (task_id uuid PRIMARY KEY, n int NOT NULL);
        CREATE OR REPLACE FUNCTION it_count_step_write() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
            INSERT INTO it_step_writes VALUES (NEW.task_id, 1) ON CONFLICT (task_id) DO UPDATE SET n = it_step_writes.n + 1;
            RETURN NEW;
        END $fn$;
        DROP TRIGGER IF EXISTS it_count_step_write ON step_verdict;
        CREATE TRIGGER it_count_step_write AFTER INSERT OR UPDATE ON step_verdict FOR EACH ROW EXECUTE FUNCTION it_count_step_write();
        """);

    public async Task DisposeAsync()
    {
        await LocalStack.ExecAsync(grader.StateDatabase, "DROP TRIGGER IF EXISTS it_count_step_write ON step_verdict; DROP TABLE IF EXISTS it_step_writes");
        await grader.AssertNothingLeftAsync();
    }

    [Fact]
    public async Task AGradedTaskStoresItsStateThreeTimesWritesEachStepRowOnceAndCommitsABoundedNumberOfTimes()
    {
        await grader.DemoAssignmentAsync("write-counts");
        var spec = new TaskSpec("write-counts-staff", "write-counts", grader.Image("correct"), IncludePrivate: true);
        // The first task pulls the image and fills the clone pool; the measured ones then pay what every later task pays.
        Assert.Equal(GradingStatus.Completed, (await grader.RunAsync(spec)).Status);
        var ids = Enumerable.Range(0, Tasks).Select(_ => Guid.NewGuid()).ToList();
        foreach (var id in ids)
        {
            grader.StorageFaults.FailWrite(grader.Grains.GetGrain<ITaskGrain>(id).GetGrainId(), int.MaxValue);
        }

        var start = await SettledCommitsAsync(TimeSpan.Zero);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var views = new List<TaskView>();
        foreach (var id in ids)
        {
            var finished = grader.Transitions.WaitForAsync(id, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(2));
            await grader.Grains.GetGrain<ITaskGrain>(id).SubmitAsync(spec);
            views.Add(await finished);
        }

        var graded = await SettledCommitsAsync(TimeSpan.Zero);
        // The silo's own timers (runner pulls, clone pool rounds, samples) commit too: the same length of
        // idle time right after is taken off.
        var idle = await SettledCommitsAsync(clock.Elapsed);
        var background = idle - graded;
        var commits = (graded - start - background) / (double)Tasks;

        Assert.All(views, v => Assert.Equal((GradingStatus.Completed, 8m, 6), (v.Status, v.Score, v.Steps.Count)));
        var stateWrites = ids.Select(id => grader.StorageFaults.WritesOf(grader.Grains.GetGrain<ITaskGrain>(id).GetGrainId())).ToList();
        var stepWrites = new List<int>();
        foreach (var id in ids)
        {
            stepWrites.Add(await LocalStack.ScalarAsync<int>(grader.StateDatabase, "SELECT coalesce((SELECT n FROM it_step_writes WHERE task_id = @id), 0)", ("id", id)));
        }

        output.WriteLine($"per task: task state writes {string.Join(", ", stateWrites)}; step-row writes {string.Join(", ", stepWrites)} for 6 steps; commits to the grader database {commits:0.0} (mean of {Tasks}; {(graded - start) / (double)Tasks:0.0} before the {background} commits of as long idle were taken off)");
        // Submit, claim, finish: phases and steps live in the activation until the next stored change (see TaskLifecycle).
        Assert.All(stateWrites, n => Assert.Equal(3, n));
        Assert.All(stepWrites, n => Assert.Equal(6, n));
        // Measured 18-23 (72 before: a write per report, each reset by DISCARD ALL); the idle window's own
        // timers make this figure vary by a few.
        Assert.InRange(commits, 1, 30);

        // The stored state still holds every phase and step: read back by a fresh activation.
        foreach (var id in ids)
        {
            var task = grader.Grains.GetGrain<ITaskGrain>(id);
            await task.Cast<Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle();
            var stored = (await task.GetAsync())!;
            Assert.Equal((GradingStatus.Completed, 8m, 6), (stored.Status, stored.Score, stored.Steps.Count));
            Assert.Equal(["claimed", "pulling", "database", "starting", "probing", "testing", "completed"], stored.Phases.Select(p => p.Phase));
        }
    }

    private async Task<long> SettledCommitsAsync(TimeSpan idle)
    {
        const string Sql = "SELECT xact_commit FROM pg_stat_database WHERE datname = @db";
        await Task.Delay(idle + StatsSettle);
        return await LocalStack.ScalarAsync<long>("postgres", Sql, ("db", grader.StateDatabase));
    }
}
