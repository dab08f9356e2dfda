using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grader.Sandbox;

/// <summary>A pulled image the pre-flight let through, with the warnings to show beside the result.</summary>
public sealed record PulledImage(string Id, string? Digest, IReadOnlyList<string> Warnings);

/// <summary>The pull with its pre-flight: the allow-list, then the registry's manifest and config
/// (platform, command, compressed size) before any download, the engine's progress totals during it,
/// and the unpacked image after it. An image that fails any of them is refused, and removed if pulled.</summary>
public sealed partial class ImagePuller(
    ISandboxHost docker,
    RegistryManifests registry,
    IImageCollector collector,
    IOptions<ImageOptions> options,
    ILogger<ImagePuller> logger)
{
    private readonly ImageOptions _options = options.Value;

    public async Task<PulledImage> PullAsync(ImageReference image, int port, CancellationToken ct)
    {
        if (_options.RefusalFor(image) is { } notAllowed)
        {
            throw new ImageRefusedException(notAllowed);
        }

        if (await ReadRemoteAsync(image, ct) is { } remote && ImagePreflight.Judge(image, remote, port, _options).Refusal is { } early)
        {
            throw new ImageRefusedException(early);
        }

        var (id, digest, facts) = await docker.PullAsync(image, _options.MaxCompressedBytes, ct);
        collector.Touch(id);
        var verdict = ImagePreflight.Judge(image, facts, port, _options);
        if (verdict.Refusal is not null)
        {
            // Refused images take no disk: a layer bomb is gone as soon as it is measured.
            await docker.RemoveImageAsync(image.ToString(), CancellationToken.None);
            throw new ImageRefusedException(verdict.Refusal);
        }

        return new PulledImage(id, digest, verdict.Warnings);
    }

    /// <summary>Best effort: a registry that does not answer the API here still gets the engine's pull,
    /// whose errors are rewritten there.</summary>
    private async Task<ImageFacts?> ReadRemoteAsync(ImageReference image, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            return await registry.ReadAsync(image, docker.CredentialFor(image.Registry), _options.Platform, timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or InvalidOperationException or KeyNotFoundException or FormatException
            || e is OperationCanceledException && !ct.IsCancellationRequested)
        {
            LogManifestUnread(logger, image.ToString(), e.GetType().Name);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not read the manifest of {Image} before the pull ({Error}); the pull decides")]
    private static partial void LogManifestUnread(ILogger logger, string image, string error);
}
