namespace Grader.Sandbox;

/// <summary>One of this host's containers, as the reconciler sees it.</summary>
public sealed record SandboxContainer(string Id, string Name);

/// <summary>The container engine a runner grades on: what the runner, the image puller and the
/// reconciler need from it, and nothing of the engine's own API. Docker (Sandbox/Docker) is one
/// implementation; another engine is one more folder and one registration.</summary>
public interface ISandboxHost
{
    Task PingAsync(CancellationToken ct);

    /// <summary>Starts watching the engine for one attempt; dispose it when the attempt ends.</summary>
    IEngineWatch WatchEngine();

    /// <summary>Pulls the image, stopping once its compressed layers pass the budget.</summary>
    Task<(string ImageId, string? Digest, ImageFacts Facts)> PullAsync(ImageReference image, long maxCompressedBytes, CancellationToken ct);

    Task<StartedContainer> StartAsync(ContainerSpec spec, CancellationToken ct);

    Task<ContainerOutcome> InspectAsync(string id, CancellationToken ct);

    Task<string> ReadLogsAsync(string id, int limitBytes, CancellationToken ct);

    Task RemoveContainerAsync(string idOrName, CancellationToken ct);

    Task RemoveImageAsync(string imageId, CancellationToken ct);

    /// <summary>Every container this host's runners created, running or not.</summary>
    Task<IReadOnlyList<SandboxContainer>> ListOwnContainersAsync(string hostTag, CancellationToken ct);

    /// <summary>The login this host pulls from the registry with, if one is configured.</summary>
    RegistryCredential? CredentialFor(string registry);

    /// <summary>Whether an exited container's logs say the engine could not run its entrypoint, and so
    /// what to tell the student instead of "the app exited".</summary>
    string? EntrypointRefusal(string? logs);

    /// <summary>Whether an exception is the engine failing on its own side (a server error), so the attempt
    /// is ours to rerun; a refused request (a name in use, say) is not.</summary>
    bool IsEngineFailure(Exception e);
}
