using System.Collections.Concurrent;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grader.Sandbox.Docker;

/// <summary>Keeps pulled student images within <c>Images:DiskBudgetGb</c>. Only images whose every name
/// comes from an allowed registry count; an image any container uses, or that was pulled within
/// <see cref="Grace"/> (an attempt between its pull and its container), is never removed.</summary>
public sealed partial class ImageCollector(DockerEngine docker, IOptions<ImageOptions> options, TimeProvider clock, ILogger<ImageCollector> logger) : IImageCollector
{
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(15);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new();
    private readonly ImageOptions _options = options.Value;

    public void Touch(string imageId) => _used[imageId] = clock.GetUtcNow();

    public async Task<IReadOnlyList<string>> CollectAsync(CancellationToken ct)
    {
        var budget = _options.DiskBudgetGb * 1024L * 1024L * 1024L;
        var used = await docker.ImageLayersBytesAsync(ct);
        if (used <= budget)
        {
            return [];
        }

        var images = await docker.Client.Images.ListImagesAsync(new ImagesListParameters(), ct);
        var containers = await docker.Client.Containers.ListContainersAsync(new ContainersListParameters { All = true }, ct);
        var inUse = containers.Select(c => c.ImageID).ToHashSet(StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        var budgeted = images.Where(IsStudentImage).Select(i =>
        {
            var lastUsed = _used.TryGetValue(i.ID, out var used) ? used : new DateTimeOffset(DateTime.SpecifyKind(i.Created, DateTimeKind.Utc));
            return new BudgetedImage(i.ID, i.Size, lastUsed, inUse.Contains(i.ID) || now - lastUsed < Grace);
        });
        var removed = new List<string>();
        foreach (var victim in ImageBudget.RemovalOrder(budgeted))
        {
            if (used <= budget)
            {
                break;
            }

            try
            {
                // Forced only to drop every tag at once; images with containers were excluded above.
                await docker.Client.Images.DeleteImageAsync(victim.Id, new ImageDeleteParameters { Force = true }, ct);
                _used.TryRemove(victim.Id, out _);
                removed.Add(victim.Id);
                LogCollected(logger, victim.Id, victim.SizeBytes / (1024 * 1024), victim.LastUsed);
                used = await docker.ImageLayersBytesAsync(ct);
            }
            catch (DockerApiException e)
            {
                LogNotCollected(logger, victim.Id, e.StatusCode);
            }
        }

        return removed;
    }

    private bool IsStudentImage(ImagesListResponse image)
    {
        var names = (image.RepoTags ?? []).Concat(image.RepoDigests ?? []).Where(n => !n.StartsWith("<none>", StringComparison.Ordinal)).ToList();
        return names.Count > 0 && names.All(n => ImageReference.TryParse(n, out var reference, out _) && _options.Allows(reference));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed image {ImageId} ({SizeMb} MB, last used {LastUsed}) to stay within the disk budget")]
    private static partial void LogCollected(ILogger logger, string imageId, long sizeMb, DateTimeOffset lastUsed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove image {ImageId} for the disk budget: the engine answered {StatusCode}")]
    private static partial void LogNotCollected(ILogger logger, string imageId, System.Net.HttpStatusCode statusCode);
}
