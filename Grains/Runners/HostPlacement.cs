using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Grader.Runners;

/// <summary>Places a grain on the active silo whose SiloName equals the grain's string key: a runner
/// must live on the host whose Docker engine it drives.</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("grader.HostPlacement")]
public sealed class HostPlacement : PlacementStrategy
{
    public static HostPlacement Instance { get; } = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class HostPlacementAttribute() : PlacementAttribute(HostPlacement.Instance);

public sealed class HostPlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var host = target.GrainIdentity.Key.ToString();
        var members = membership.CurrentSnapshot.Members;
        foreach (var silo in context.GetCompatibleSilos(target))
        {
            if (members.TryGetValue(silo, out var member) && member.Status == SiloStatus.Active && member.Name == host)
            {
                return Task.FromResult(silo);
            }
        }

        throw new OrleansException($"No active silo is named '{host}', so its runner cannot be placed. Is that host's silo running?");
    }
}
