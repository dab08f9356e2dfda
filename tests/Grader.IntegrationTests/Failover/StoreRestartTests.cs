using System.Diagnostics;
using Grader.Runners;
using Grader.Sandbox;
using Grader.Queue;

namespace Grader.IntegrationTests.Failover;

/// <summary>Acceptance 6: PostgreSQL, and separately Redis, restart while a batch of 20 correct images is
/// graded. Nothing is lost, duplicated or stuck after 2 minutes, and every task has full marks: an attempt
/// that lived through the database restart is ours and is rerun. These restart the stack's shared
/// services (briefly, through infra/stack.sh), so they belong in a suite that runs alone.</summary>
[Collection(GradingCollection.Name)]
public sealed class StoreRestartTests(GraderFixture grader) : IAsyncLifetime
{
    private const int Batch = 20;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    [Fact]
    public Task BatchSurvivesAPostgresRestart() => BatchSurvivesAsync("restart-pg", "restart-postgres");

    [Fact]
    public Task BatchSurvivesARedisRestart() => BatchSurvivesAsync("restart-redis", "restart-redis");

    private async Task BatchSurvivesAsync(string assignment, string restart)
    {
        await grader.DemoAssignmentAsync(assignment);
        var ids = new List<Guid>();
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChange(TaskView v)
        {
            if (v.Spec.AssignmentId == assignment && v.Status == GradingStatus.Testing)
            {
                running.TrySetResult();
            }
        }

        grader.Transitions.Changed += OnChange;
        try
        {
            for (var i = 0; i < Batch; i++)
            {
                ids.Add(await SubmitAsync(assignment) ?? throw new InvalidOperationException("submission refused before the restart"));
            }

            await running.Task.WaitAsync(TimeSpan.FromMinutes(1));
            var restarting = Task.Run(() => LocalStack.RunScript("infra/stack.sh", restart));
            // Submissions while the store restarts: each is accepted or refused with 503, never a 500.
            for (var i = 0; i < 5 && !restarting.IsCompleted; i++)
            {
                if (await SubmitAsync(assignment) is { } id)
                {
                    ids.Add(id);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(150));
            }

            await restarting;
        }
        finally
        {
            grader.Transitions.Changed -= OnChange;
        }

        var views = await WaitForAllAsync(ids, TimeSpan.FromMinutes(2));
        // A drop the restart cut short is swept again within seconds of the store's return, not at the
        // next reconcile (minutes later), so the attempts' databases are gone soon after the verdicts.
        var sandboxes = grader.Services.GetRequiredService<GradingServices>().Database;
        var clock = Stopwatch.StartNew();
        IReadOnlyCollection<string> left;
        while ((left = await sandboxes.ListOwnAsync(SandboxNames.TagFor(grader.HostName), CancellationToken.None)).Count > 0 && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(250);
        }

        Assert.True(left.Count == 0, $"still there 30 s after the batch: {string.Join(", ", left)}");

        Assert.All(views, v =>
        {
            Assert.Equal(GradingStatus.Completed, v.Status);
            Assert.Equal(v.MaxScore, v.Score);
            Assert.True(v.MaxScore > 0);
            Assert.Single(v.Phases, p => p.Phase == "completed");
        });
        var queue = grader.Grains.GetGrain<ITaskQueueGrain>(0);
        foreach (var id in ids)
        {
            Assert.Null(await queue.GetPositionAsync(id));
        }

        // A summary write lost to the restart is healed by the repair; then the read model agrees.
        await grader.Services.GetRequiredService<TaskReadModelRepair>().RepairAsync(TimeSpan.Zero, CancellationToken.None);
        Assert.Equal((long)ids.Count, await LocalStack.ScalarAsync<long>(grader.StateDatabase,
            "SELECT count(*) FROM task_summary WHERE assignment_id = @a AND status = 'Completed' AND score = max_score", ("a", assignment)));
    }

    /// <summary>The task's id if accepted, null if refused with 503; anything else fails the test.</summary>
    private async Task<Guid?> SubmitAsync(string assignment)
    {
        var response = await grader.Http.PostAsJsonAsync("/api/tasks", new { assignmentId = assignment, image = grader.Image("correct") });
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            Assert.True(response.Headers.RetryAfter is not null, "503 without Retry-After");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
            return null;
        }

        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("task").GetProperty("id").GetGuid();
    }

    /// <summary>Waits for every task to be final, by its changes; a task already final is read once.</summary>
    private async Task<TaskView[]> WaitForAllAsync(IEnumerable<Guid> ids, TimeSpan timeout) =>
        await Task.WhenAll(ids.Select(async id =>
        {
            var final = grader.Transitions.WaitForAsync(id, v => v.Status.IsTerminal(), timeout);
            var now = await grader.Grains.GetGrain<ITaskGrain>(id).GetAsync();
            if (now is { } done && done.Status.IsTerminal())
            {
                _ = final.ContinueWith(_ => { }, TaskScheduler.Default);
                return done;
            }

            return await final;
        }));
}
