using Grader.Tasks;

namespace Grader.Queue;

/// <summary>The runner's half of the lease, in one place: claim the leased task, then confirm the lease
/// (the entry leaves) or, if the claim failed, return it (the entry is back in line at once).</summary>
public static class LeasedClaim
{
    /// <summary>The work, or null when the task no longer waits for a runner (its entry is dropped).
    /// Throws when the claim failed; the lease has then been returned, or lapses if even that failed.</summary>
    public static async Task<TaskAssignment?> ClaimAsync(IGrainFactory grains, QueueLease lease, string host, ClaimFaults? faults = null)
    {
        var queue = grains.GetGrain<ITaskQueueGrain>(0);
        TaskAssignment? work;
        try
        {
            faults?.ThrowIfFailing(lease.Entry.TaskId);
            work = await ClaimOnceMoreIfLostAsync(grains.GetGrain<ITaskGrain>(lease.Entry.TaskId), host);
        }
        catch (Exception)
        {
            await TryAsync(queue.ReturnAsync(lease.Id));
            faults?.OnReturned(lease.Entry.TaskId);
            throw;
        }

        // A lost confirm is harmless: the lease lapses, and the next claim of the entry finds nothing to do.
        await TryAsync(queue.ConfirmAsync(lease.Id));
        return work;
    }

    /// <summary>A claim whose answer was lost may have been stored: asked again at once, the task hands the
    /// same attempt back (<see cref="TaskLifecycle.IsUnstartedClaimBy"/>), so it does not wait for its
    /// watchdog. A second failure is the caller's (the task's silo is gone; the lease goes back).</summary>
    private static async Task<TaskAssignment?> ClaimOnceMoreIfLostAsync(ITaskGrain task, string host)
    {
        try
        {
            return await task.ClaimAsync(host);
        }
        catch (Exception e) when (e is TimeoutException or OrleansMessageRejectionException)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200));
            return await task.ClaimAsync(host);
        }
    }

    private static async Task<bool> TryAsync(Task<bool> call)
    {
        try
        {
            return await call;
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            return false;
        }
    }
}
