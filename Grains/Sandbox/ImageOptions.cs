using System.ComponentModel.DataAnnotations;
using Grader.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Grader.Sandbox;

/// <summary>Which images the grader accepts, and how much disk they may take. Section: <c>Images</c>.
/// Read by the web tier (refusal at submit) and by every runner (refusal at pull).</summary>
public sealed class ImageOptions : IValidatableObject
{
    public const string Section = "Images";

    /// <summary>Used when <see cref="AllowedRegistries"/> is empty (a bound list would append to defaults).</summary>
    public static readonly IReadOnlyList<string> DefaultRegistries = ["docker.io", "ghcr.io"];

    /// <summary>Registry hosts (with port, if any) student images may come from.</summary>
    public List<string> AllowedRegistries { get; set; } = [];

    /// <summary>Sum of an image's compressed layers, checked on the registry's manifest and while pulling.</summary>
    [Range(16, 64 * 1024)]
    public int MaxCompressedMb { get; set; } = 1024;

    /// <summary>The unpacked image (the engine's Size), checked after the pull.</summary>
    [Range(16, 256 * 1024)]
    public int MaxUncompressedMb { get; set; } = 3072;

    /// <summary>Pulled student images are removed, least recently used first, beyond this total.</summary>
    [Range(1, 16 * 1024)]
    public int DiskBudgetGb { get; set; } = 20;

    /// <summary>The platform this host's engine runs, as os/architecture.</summary>
    [Required]
    public string Platform { get; set; } = "linux/amd64";

    public IReadOnlyList<string> Registries => AllowedRegistries.Count == 0 ? DefaultRegistries : AllowedRegistries;

    public long MaxCompressedBytes => MaxCompressedMb * 1024L * 1024L;

    public long MaxUncompressedBytes => MaxUncompressedMb * 1024L * 1024L;

    public bool Allows(ImageReference image) =>
        Registries.Any(r => string.Equals(r, image.Registry, StringComparison.OrdinalIgnoreCase));

    /// <summary>Why a student may not submit this image, or null.</summary>
    public string? RefusalFor(ImageReference image) => Allows(image)
        ? null
        : $"Images from '{image.Registry}' are not accepted here. Push your image to {string.Join(" or ", Registries)} and submit that reference.";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var registry in AllowedRegistries)
        {
            if (!ImageReference.TryParse(registry + "/probe/probe", out var parsed, out _) || parsed.Registry != registry.ToLowerInvariant())
            {
                yield return new ValidationResult($"holds '{registry}', which is not a registry host (expected a host name with an optional :port, such as ghcr.io).", [nameof(AllowedRegistries)]);
            }
        }

        if (Platform.Split('/') is not [{ Length: > 0 }, { Length: > 0 }])
        {
            yield return new ValidationResult($"is '{Platform}'; expected os/architecture such as linux/amd64.", [nameof(Platform)]);
        }
    }
}

public static class ImageOptionsExtensions
{
    /// <summary>Reads and checks the <c>Images</c> section once; safe to call from the web tier and the runner.</summary>
    public static IServiceCollection AddImagePolicy(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(Options.Create(configuration.Read<ImageOptions>(ImageOptions.Section)));
        return services;
    }
}
