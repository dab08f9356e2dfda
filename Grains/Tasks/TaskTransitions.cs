namespace Grader.Tasks;

/// <summary>Every persisted change of a task on this silo, as it happens. Tests await these instead of
/// sleeping, and the web tier of an embedded silo can push them to browsers.</summary>
public sealed class TaskTransitions
{
    public event Action<TaskView>? Changed;

    internal void Publish(TaskView view)
    {
        Changed?.Invoke(view);
    }

    /// <summary>Completes when a change of task <paramref name="taskId"/> satisfies <paramref name="condition"/>.
    /// Subscribe before the action that causes the change, then await.</summary>
    public Task<TaskView> WaitForAsync(Guid taskId, Func<TaskView, bool> condition, TimeSpan timeout)
    {
        var done = new TaskCompletionSource<TaskView>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Handler(TaskView view)
        {
            if (view.Id == taskId && condition(view))
            {
                done.TrySetResult(view);
            }
        }

        Changed += Handler;
        return done.Task.WaitAsync(timeout).ContinueWith(t =>
        {
            Changed -= Handler;
            return t.IsFaulted && t.Exception!.InnerException is TimeoutException
                ? throw new TimeoutException($"Task {taskId} did not reach the awaited state within {timeout.TotalSeconds:0} s.")
                : t.Result;
        }, TaskScheduler.Default);
    }
}
