namespace Grader.Tasks;

/// <summary>Task grain activations that left this silo, as they leave. A finished task nobody watches
/// should leave memory soon; tests await these to prove it, instead of sleeping.</summary>
public sealed class TaskActivations
{
    /// <summary>The task's id and the status it had when its activation left (null: never submitted).</summary>
    public event Action<Guid, GradingStatus?>? Deactivated;

    internal void Publish(Guid taskId, GradingStatus? status) => Deactivated?.Invoke(taskId, status);

    /// <summary>Completes with the status it had when an activation of task <paramref name="taskId"/>
    /// deactivates. Subscribe before the action that causes it, then await.</summary>
    public async Task<GradingStatus?> WaitForDeactivationAsync(Guid taskId, TimeSpan timeout)
    {
        var done = new TaskCompletionSource<GradingStatus?>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Handler(Guid id, GradingStatus? status)
        {
            if (id == taskId)
            {
                done.TrySetResult(status);
            }
        }

        Deactivated += Handler;
        try
        {
            return await done.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Task {taskId}'s activation was still there after {timeout.TotalSeconds:0} s.");
        }
        finally
        {
            Deactivated -= Handler;
        }
    }
}
