namespace Grader.IntegrationTests.Deployment;

/// <summary><see cref="TaskTransitions.WaitForAsync"/> for a grader in another process: a grain observer
/// on the task, subscribed before the action that causes the change, as with the in-process one.</summary>
public sealed class RemoteTransitions(IGrainFactory grains)
{
    public Task<TaskView> WaitForAsync(Guid taskId, Func<TaskView, bool> condition, TimeSpan timeout)
    {
        var observer = new Observer(taskId, condition);
        var reference = grains.CreateObjectReference<ITaskObserver>(observer);
        var task = grains.GetGrain<ITaskGrain>(taskId);
        var subscribed = task.SubscribeAsync(reference);
        return WaitAsync();

        async Task<TaskView> WaitAsync()
        {
            try
            {
                await subscribed;
                // The change may have happened between the caller's action and the subscription.
                if (await task.GetAsync() is { } now && condition(now))
                {
                    return now;
                }

                return await observer.Done.Task.WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"Task {taskId} did not reach the awaited state within {timeout.TotalSeconds:0} s.");
            }
            finally
            {
                await task.UnsubscribeAsync(reference);
                grains.DeleteObjectReference<ITaskObserver>(reference);
            }
        }
    }

    private sealed class Observer(Guid taskId, Func<TaskView, bool> condition) : ITaskObserver
    {
        public TaskCompletionSource<TaskView> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task OnTaskChangedAsync(TaskView view)
        {
            if (view.Id == taskId && condition(view))
            {
                Done.TrySetResult(view);
            }

            return Task.CompletedTask;
        }
    }
}
