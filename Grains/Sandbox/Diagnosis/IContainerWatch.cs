namespace Grader.Sandbox.Diagnosis;

/// <summary>What the readiness probe may look at while it waits: the container's state, its socket
/// table and its output. A seam, so the probe's reasoning is tested without an engine.</summary>
public interface IContainerWatch
{
    Task<ContainerOutcome> InspectAsync(CancellationToken ct);

    /// <summary>Null when the table cannot be read (not on the engine's host, or not allowed).</summary>
    IReadOnlyList<Listener>? Listeners(int pid);

    Task<string?> ReadLogsAsync(CancellationToken ct);
}

/// <summary>The watch over one container of the local Docker engine.</summary>
public sealed class DockerContainerWatch(ISandboxHost docker, string containerId, int logLimitBytes) : IContainerWatch
{
    public Task<ContainerOutcome> InspectAsync(CancellationToken ct) => docker.InspectAsync(containerId, ct);

    public IReadOnlyList<Listener>? Listeners(int pid) => SocketTable.Read(pid, containerId);

    public async Task<string?> ReadLogsAsync(CancellationToken ct) => await docker.ReadLogsAsync(containerId, logLimitBytes, ct);
}
