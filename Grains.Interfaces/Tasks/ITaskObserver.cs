using Orleans.Concurrency;

namespace Grader.Tasks;

/// <summary>Receives every change of a task as it is persisted: the web tier pushes these to browsers.
/// Subscriptions expire, so a subscriber renews its subscription while it listens.</summary>
[Alias("grader.ITaskObserver")]
public interface ITaskObserver : IGrainObserver
{
    [OneWay, Alias("Changed")]
    Task OnTaskChangedAsync(TaskView view);
}
