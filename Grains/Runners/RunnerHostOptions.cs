using System.ComponentModel.DataAnnotations;
using Grader.Sandbox;

namespace Grader.Runners;

/// <summary>How this host's runner grades: slots, limits and timeouts, whatever the engine. The engine's
/// own settings (endpoint, network, registry logins) are its host's options. Both read the <c>Docker</c>
/// section, where operators have always set these keys; only the classes are split.</summary>
public sealed class RunnerHostOptions
{
    public const string Section = "Docker";

    /// <summary>How many tasks this host grades at once.</summary>
    [Range(1, 64)]
    public int Slots { get; set; } = 2;

    public ImageCleanupPolicy ImageCleanup { get; set; } = ImageCleanupPolicy.Keep;

    /// <summary>Container logs kept per attempt (the tail).</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int LogLimitBytes { get; set; } = 64 * 1024;

    /// <summary>Response body kept per step.</summary>
    [Range(256, 16 * 1024 * 1024)]
    public int ResponseLimitBytes { get; set; } = 16 * 1024;

    /// <summary>How often leftovers (containers, roles, databases) of dead attempts are removed.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest the comparison of one response may take; past it the step is an error, and the
    /// host's CPU is free again. The request timeout ends when the answer has arrived.</summary>
    public TimeSpan JudgingTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest a pull may take before the attempt gives up.</summary>
    public TimeSpan PullTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>On shutdown, how long running jobs may take to finish before they are handed back to the
    /// queue. The silo's shutdown timeout is this plus <see cref="HandBackTimeout"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long jobs handed back at shutdown get to clean up and report.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan HandBackTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a step or finish report keeps retrying. It must outlast the cluster's detection
    /// of a dead silo (about 10 s with the recommended membership settings), or finished work is lost.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan ReportTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the engine is pinged; two missed answers in a row make the host unhealthy.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan EngineCheckInterval { get; set; } = TimeSpan.FromSeconds(5);
}
