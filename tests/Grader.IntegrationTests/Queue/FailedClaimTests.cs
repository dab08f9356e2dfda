using Grader.Queue;

namespace Grader.IntegrationTests.Queue;

/// <summary>Issue 10, acceptance 5: a claim that fails right after the dequeue (the fault seam) puts the
/// entry back in line at once; neither the lease's expiry nor the watchdog is needed to find it again.</summary>
public sealed class FailedClaimTests : IAsyncLifetime
{
    private readonly string _database = $"grader_it_claimfault_{LocalStack.RunId}";
    private readonly string _cluster = $"it-claimfault-{LocalStack.RunId}";

    public Task InitializeAsync() => LocalStack.CreateDatabaseAsync(_database);

    public Task DisposeAsync() => LocalStack.DropDatabaseAsync(_database);

    [Fact]
    public async Task EntryWhoseClaimFailedIsBackInLineAtOnceAndIsClaimedNext()
    {
        var taskId = Guid.NewGuid();
        var user = $"claimfault-{LocalStack.RunId}";
        var failures = 0;
        var faults = new ClaimFaults(id => id == taskId && Interlocked.Increment(ref failures) == 1);
        var returned = new TaskCompletionSource<(bool Queued, int? Position)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var settings = SiloSettings.For($"claimfault-{LocalStack.RunId}", _database, _cluster, new Dictionary<string, string?>
        {
            // Neither safety net may be what finds the entry again.
            ["Tasks:WatchdogPeriod"] = "00:10:00",
            ["Queue:LeaseDuration"] = "00:10:00",
        });
        await using var silo = await InProcessSilo.StartAsync(settings, s => s.AddSingleton(faults));
        var queue = silo.Grains.GetGrain<ITaskQueueGrain>(0);
        faults.Returned += id => _ = Task.Run(async () =>
        {
            try
            {
                // Asked the moment the runner has handed the lease back, before any other pull.
                returned.TrySetResult((await queue.IsQueuedAsync(id, user), await queue.GetPositionAsync(id)));
            }
            catch (Exception e)
            {
                returned.TrySetException(e);
            }
        });
        var finished = silo.Service<TaskTransitions>().WaitForAsync(taskId, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(1));

        // An assignment that does not exist: a successful claim ends the task at once, with no container.
        var started = DateTimeOffset.UtcNow;
        await silo.Grains.GetGrain<ITaskGrain>(taskId).SubmitAsync(new TaskSpec(user, $"missing-{LocalStack.RunId}", "example.invalid/app:1", false));
        var back = await returned.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var task = await finished;

        Assert.Equal([taskId], faults.Failed);
        Assert.True(back.Queued);
        // Waiting at the head, or already leased again by the next pull (then it has no place in line).
        Assert.True(back.Position is null or 0, $"position {back.Position}");
        Assert.Equal(GradingStatus.Failed, task.Status);
        Assert.Contains("does not exist", task.Message, StringComparison.Ordinal);
        // Claimed again within seconds, not after the 10-minute lease or watchdog.
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(30));
        // The runner confirms the lease after the claim returns, and this task ends inside its claim, so the
        // confirm may land a moment after the final transition.
        Assert.True(await LeaseConfirmedAsync(queue, taskId, user), "the second lease was never confirmed");
        Assert.Equal(0, await queue.GetLengthAsync());
    }

    private static async Task<bool> LeaseConfirmedAsync(ITaskQueueGrain queue, Guid taskId, string user)
    {
        for (var deadline = DateTimeOffset.UtcNow.AddSeconds(10); DateTimeOffset.UtcNow < deadline; await Task.Delay(50))
        {
            if (!await queue.IsQueuedAsync(taskId, user))
            {
                return true;
            }
        }
        return false;
    }
}
