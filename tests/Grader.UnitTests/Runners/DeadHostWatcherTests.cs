using System.Collections.Immutable;
using System.Net;
using Grader.Runners;
using Orleans.Runtime;

namespace Grader.UnitTests.Runners;

/// <summary>Which dead silos a live silo sweeps: exactly one live silo sweeps each death, once, and never
/// a name that a live silo carries again (a restarted host tidies up after itself).</summary>
public sealed class DeadHostWatcherTests
{
    private static readonly SiloAddress A = Silo(11111), B = Silo(11112), C = Silo(11113), C2 = Silo(11114);

    [Fact]
    public void OnlyTheLowestActiveSiloSweepsANewlyDeadHost()
    {
        var snapshot = Snapshot((A, SiloStatus.Active, "a"), (B, SiloStatus.Active, "b"), (C, SiloStatus.Dead, "c"));

        Assert.Equal(["c"], DeadHostWatcher.NewlyDeadToSweep(snapshot, new HashSet<SiloAddress>(), A).Select(m => m.Name));
        Assert.Empty(DeadHostWatcher.NewlyDeadToSweep(snapshot, new HashSet<SiloAddress>(), B));
    }

    [Fact]
    public void ADeathAlreadySeenIsNotSweptAgain()
    {
        var snapshot = Snapshot((A, SiloStatus.Active, "a"), (C, SiloStatus.Dead, "c"));

        Assert.Empty(DeadHostWatcher.NewlyDeadToSweep(snapshot, new HashSet<SiloAddress> { C }, A));
    }

    [Fact]
    public void ANameThatALiveSiloCarriesAgainIsLeftToIt()
    {
        var snapshot = Snapshot((A, SiloStatus.Active, "a"), (C, SiloStatus.Dead, "c"), (C2, SiloStatus.Joining, "c"));

        Assert.Empty(DeadHostWatcher.NewlyDeadToSweep(snapshot, new HashSet<SiloAddress>(), A));
    }

    [Fact]
    public void SeveralDeadIncarnationsOfOneHostAreSweptOnce()
    {
        var snapshot = Snapshot((A, SiloStatus.Active, "a"), (C, SiloStatus.Dead, "c"), (C2, SiloStatus.Dead, "c"), (B, SiloStatus.Dead, "b"));

        Assert.Equal(["b", "c"], DeadHostWatcher.NewlyDeadToSweep(snapshot, new HashSet<SiloAddress>(), A).Select(m => m.Name).Order());
    }

    private static SiloAddress Silo(int port) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1);

    private static ClusterMembershipSnapshot Snapshot(params (SiloAddress Address, SiloStatus Status, string Name)[] members) =>
        new(members.ToImmutableDictionary(m => m.Address, m => new ClusterMember(m.Address, m.Status, m.Name)), new MembershipVersion(1));
}
