using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Grader.Runners;

/// <summary>Reacts to cluster membership: as soon as a silo is declared dead, one live silo puts that
/// host's attempts back in line and drops its roles and databases (which ends its student apps'
/// logins). Its containers stay until that host's engine is reachable again: the host removes them as
/// it starts. The tasks' watchdog remains the safety net if this silo dies too.</summary>
public sealed partial class DeadHostWatcher(
    IClusterMembershipService membership,
    HostSweeper sweeper,
    ILocalSiloDetails silo,
    ILogger<DeadHostWatcher> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _watch = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(DeadHostWatcher), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    public void Dispose() => _stop.Dispose();

    /// <summary>The silos that died since the last snapshot and are this silo's to sweep: the sweeper is
    /// the live silo with the lowest address, and a name that a live silo uses again is left to it.</summary>
    public static IReadOnlyList<ClusterMember> NewlyDeadToSweep(
        ClusterMembershipSnapshot snapshot, IReadOnlySet<SiloAddress> knownDead, SiloAddress self)
    {
        var live = snapshot.Members.Values.Where(m => m.Status is SiloStatus.Active or SiloStatus.Joining or SiloStatus.ShuttingDown or SiloStatus.Stopping).ToList();
        var sweeper = live.Where(m => m.Status == SiloStatus.Active)
            .OrderBy(m => m.SiloAddress.ToParsableString(), StringComparer.Ordinal)
            .FirstOrDefault();
        if (sweeper is null || !sweeper.SiloAddress.Equals(self))
        {
            return [];
        }

        return snapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Dead && !knownDead.Contains(m.SiloAddress))
            .Where(m => !live.Any(l => l.Name == m.Name))
            .DistinctBy(m => m.Name)
            .ToList();
    }

    private Task StartAsync(CancellationToken ct)
    {
        _watch = Task.Run(() => WatchAsync(_stop.Token));
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken ct)
    {
        await _stop.CancelAsync();
        await _watch;
    }

    private async Task WatchAsync(CancellationToken ct)
    {
        var knownDead = new HashSet<SiloAddress>();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(ct))
            {
                foreach (var dead in NewlyDeadToSweep(snapshot, knownDead, silo.SiloAddress))
                {
                    LogHostDead(logger, dead.Name, dead.SiloAddress.ToString());
                    _ = Task.Run(() => SweepAsync(dead.Name, ct), ct);
                }

                knownDead.UnionWith(snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead).Select(m => m.SiloAddress));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task SweepAsync(string host, CancellationToken ct)
    {
        try
        {
            await sweeper.RequeueLostAsync(host, ct);
            await sweeper.RemoveOrphansAsync(host, (_, _) => false, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Host {Host} ({Silo}) was declared dead: requeueing its attempts and dropping its sandboxes")]
    private static partial void LogHostDead(ILogger logger, string host, string silo);
}
