using Grader.Runners;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Grader.Queue;

/// <summary>Tells runners that work arrived, without ever making the enqueue wait: a nudge only sets a
/// flag, and one background wave of one-way calls goes to every registered host that membership counts
/// as active, however many enqueues asked for it meanwhile. Dead hosts are never called. Runners also
/// pull on a timer, so a lost wake-up costs seconds, not a task.</summary>
public sealed partial class RunnerWakeups(
    IGrainFactory grains,
    IClusterMembershipService membership,
    TimeProvider time,
    ILogger<RunnerWakeups> logger)
{
    private static readonly TimeSpan RegistryRefresh = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(5);
    private IReadOnlyList<string> _hosts = [];
    private DateTimeOffset _refreshedAt = DateTimeOffset.MinValue;
    private int _scheduled;

    public void Nudge()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            _ = Task.Run(WakeAsync);
        }
    }

    private async Task WakeAsync()
    {
        try
        {
            await Task.Delay(Coalesce, time);
            Volatile.Write(ref _scheduled, 0);
            var snapshot = membership.CurrentSnapshot;
            foreach (var host in await RegisteredAsync())
            {
                if (snapshot.IsActive(host))
                {
                    // One-way: this returns before the runner has even received it.
                    _ = grains.GetGrain<IRunnerGrain>(host).WakeAsync();
                }
            }
        }
        catch (Exception e)
        {
            Volatile.Write(ref _scheduled, 0);
            LogWakeFailed(logger, e);
        }
    }

    private async Task<IReadOnlyList<string>> RegisteredAsync()
    {
        if (time.GetUtcNow() - _refreshedAt > RegistryRefresh)
        {
            var registered = await grains.GetGrain<IRunnerRegistryGrain>(0).ListAsync();
            _hosts = registered.Where(r => r.Liveness == RunnerLiveness.Active).Select(r => r.Host).ToList();
            _refreshedAt = time.GetUtcNow();
        }

        return _hosts;
    }

    /// <summary>A runner that registers is woken from the next wave on, not after the next refresh.</summary>
    public void Forget() => _refreshedAt = DateTimeOffset.MinValue;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not wake runners; they still pull on their own timer")]
    private static partial void LogWakeFailed(ILogger logger, Exception e);
}
