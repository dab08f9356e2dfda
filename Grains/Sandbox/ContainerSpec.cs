using Grader.Assignments;

namespace Grader.Sandbox;

/// <summary>What the runner asks the engine to start for one attempt.</summary>
public sealed record ContainerSpec(
    SandboxNames Names,
    string Host,
    string ImageId,
    IReadOnlyDictionary<string, string> Environment,
    int Port,
    ResourceLimits Limits);

/// <summary>A started container and the address the runner reaches it at, on the student network.</summary>
public sealed record StartedContainer(string Id, string IpAddress);

/// <summary>How a container stands after (or while) the app runs.</summary>
/// <param name="Pid">The main process's pid as the host sees it, while it runs (for its socket table).</param>
public sealed record ContainerOutcome(bool Running, long? ExitCode, bool OomKilled, string? Error, int? Pid = null);
