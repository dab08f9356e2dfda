using Grader.Runners;
using Orleans.Configuration;

namespace Grader.Silo.Hosting;

/// <summary>How quickly the cluster gives up on a silo, and how long a silo takes to stop.</summary>
public static class GradingClusterMembership
{
    /// <summary>Declares a silo dead about 6–10 s after it stops answering (three missed 2 s probes, two
    /// votes), instead of Orleans' default of about 30 s: a dead host's tasks go back in line that much
    /// sooner. The price is that a silo frozen for longer than that (a long GC pause, a saturated
    /// machine) is declared dead too, stops itself, and its attempts are graded again elsewhere.</summary>
    public static void Apply(ClusterMembershipOptions o)
    {
        o.ProbeTimeout = TimeSpan.FromSeconds(2);
        o.NumMissedProbesLimit = 3;
        o.NumVotesForDeathDeclaration = 2;
        o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
    }

    /// <summary>The drain, then the hand-back, then a margin for Orleans' own shutdown.</summary>
    public static TimeSpan ShutdownTimeout(RunnerHostOptions runner) =>
        runner.DrainTimeout + runner.HandBackTimeout + TimeSpan.FromSeconds(15);
}
