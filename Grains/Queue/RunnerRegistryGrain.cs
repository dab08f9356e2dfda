using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Grader.Queue;

/// <summary>Which hosts run a runner. Liveness is not stored but read from cluster membership at each
/// look, so a host is shown as unreachable from the moment its silo is gone, stays listed for the
/// retention, and is then pruned; a host that registers again is active again.</summary>
public sealed partial class RunnerRegistryGrain(
    [PersistentState(GrainStorage.RunnerRegistryState, GrainStorage.Provider)] IPersistentState<RunnerRegistryState> state,
    IClusterMembershipService membership,
    IOptions<QueueOptions> options,
    TimeProvider time,
    ILogger<RunnerRegistryGrain> logger) : Grain, IRunnerRegistryGrain
{
    private static readonly TimeSpan JoinGrace = TimeSpan.FromSeconds(30);

    public async Task RegisterAsync(string host)
    {
        if (state.State.Hosts.TryGetValue(host, out var known) && known.UnreachableSince is null)
        {
            return;
        }

        state.State.Hosts[host] = new RegisteredRunner { RegisteredAt = time.GetUtcNow() };
        await state.WriteStateAsync();
        LogRegistered(logger, host);
    }

    public async Task<IReadOnlyList<RunnerRegistration>> ListAsync()
    {
        var now = time.GetUtcNow();
        var snapshot = membership.CurrentSnapshot;
        var changed = false;
        foreach (var (host, runner) in state.State.Hosts.ToList())
        {
            // A host that has just registered may not have reached this silo's view of membership yet.
            var active = snapshot.IsActive(host) || (!snapshot.IsDead(host) && now - runner.RegisteredAt < JoinGrace);
            if (active == (runner.UnreachableSince is null))
            {
                continue;
            }

            changed = true;
            runner.UnreachableSince = active ? null : now;
            if (!active)
            {
                LogUnreachable(logger, host);
            }
        }

        foreach (var (host, runner) in state.State.Hosts.Where(h => h.Value.UnreachableSince < now - options.Value.UnreachableRetention).ToList())
        {
            state.State.Hosts.Remove(host);
            changed = true;
            LogPruned(logger, host, runner.UnreachableSince!.Value);
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }

        return state.State.Hosts
            .OrderBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => new RunnerRegistration(h.Key, h.Value.UnreachableSince is null ? RunnerLiveness.Active : RunnerLiveness.Unreachable,
                h.Value.RegisteredAt, h.Value.UnreachableSince))
            .ToList();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Runner {Host} registered with the queue")]
    private static partial void LogRegistered(ILogger logger, string host);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Runner {Host} is no longer an active member; it is not woken any more")]
    private static partial void LogUnreachable(ILogger logger, string host);

    [LoggerMessage(Level = LogLevel.Information, Message = "Runner {Host}, unreachable since {Since}, was forgotten")]
    private static partial void LogPruned(ILogger logger, string host, DateTimeOffset since);
}
