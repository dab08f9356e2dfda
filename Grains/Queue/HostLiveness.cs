using Orleans.Runtime;

namespace Grader.Queue;

/// <summary>What cluster membership says about a runner host. A host is its silo's name, so a host is
/// alive when an active silo has that name, and dead once membership declared its silo dead and no
/// other silo of that name is up (a restarted host comes back under the same name). A silo that is
/// shutting down counts as dead here: it takes no new work.</summary>
public static class HostLiveness
{
    public static bool IsActive(this ClusterMembershipSnapshot snapshot, string host) =>
        snapshot.Members.Values.Any(m => m.Name == host && m.Status == SiloStatus.Active);

    public static bool IsDead(this ClusterMembershipSnapshot snapshot, string host) =>
        !snapshot.Members.Values.Any(m => m.Name == host && !m.Status.IsTerminating())
        && snapshot.Members.Values.Any(m => m.Name == host && m.Status.IsTerminating());
}
