using Microsoft.Extensions.DependencyInjection;

namespace Grader.Tasks;

/// <summary>How long a task stays in memory. A finished task changes no more: it leaves as soon as nobody
/// watches it (at once if nobody did, else when the last stream unsubscribes), and the short collection
/// age on the class bounds one read by a page or one watcher that vanished without unsubscribing. An
/// unfinished task is kept by its own watchdog, which calls it every period.</summary>
public sealed partial class TaskGrain
{
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _observers.Clear();
        ServiceProvider.GetService<TaskActivations>()?.Publish(Id, S.Spec is null ? null : S.Status);
        return Task.CompletedTask;
    }

    private void LeaveWhenUnwatched()
    {
        if (S.Spec is null || !S.Status.IsTerminal())
        {
            return;
        }

        _observers.ClearExpired();
        if (_observers.Count == 0)
        {
            DeactivateOnIdle();
        }
    }
}
