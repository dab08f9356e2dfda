using System.Globalization;

namespace Grader.Sandbox;

/// <summary>Judges an image before any container is made from it: its platform, that it has something
/// to run, its size, and whether it exposes the assignment's port. Every refusal is the student's to fix.</summary>
public static class ImagePreflight
{
    public static PreflightVerdict Judge(ImageReference image, ImageFacts facts, int port, ImageOptions options)
    {
        var refusal = PlatformRefusal(image, facts, options.Platform) ?? SizeRefusal(facts, options)
            ?? (facts.Entrypoint.Count == 0 && facts.Command.Count == 0
                ? "The image has no command to run: it sets neither ENTRYPOINT nor CMD. Add one to your Dockerfile, e.g. CMD [\"python\", \"app.py\"], rebuild and push."
                : null);
        return new PreflightVerdict(refusal, ExposeWarnings(facts, port));
    }

    /// <summary>The command that rebuilds an image for this host, as the student would type it.</summary>
    public static string RebuildCommand(ImageReference image, string platform) =>
        $"docker buildx build --platform {platform} -t {image} --push .";

    private static string? PlatformRefusal(ImageReference image, ImageFacts facts, string platform)
    {
        var wanted = platform.Split('/');
        if (facts.OtherPlatforms.Count > 0)
        {
            return $"The image is built only for {string.Join(", ", facts.OtherPlatforms)}, but the grader runs {platform}. Rebuild it with: {RebuildCommand(image, platform)}";
        }

        var os = facts.Os ?? wanted[0];
        var architecture = facts.Architecture ?? wanted[1];
        return string.Equals(os, wanted[0], StringComparison.OrdinalIgnoreCase) && string.Equals(architecture, wanted[1], StringComparison.OrdinalIgnoreCase)
            ? null
            : $"The image is built for {os}/{architecture}, but the grader runs {platform} (an image built on an Apple Silicon Mac is arm64). Rebuild it with: {RebuildCommand(image, platform)}";
    }

    private static string? SizeRefusal(ImageFacts facts, ImageOptions options)
    {
        if (facts.CompressedBytes > options.MaxCompressedBytes)
        {
            return $"The image is too large: its layers are {Mb(facts.CompressedBytes.Value)} compressed, and the limit is {options.MaxCompressedMb} MB. Use a slim base image and a multi-stage build.";
        }

        return facts.UncompressedBytes > options.MaxUncompressedBytes
            ? $"The image is too large: it unpacks to {Mb(facts.UncompressedBytes.Value)}, and the limit is {options.MaxUncompressedMb} MB. It was removed from the grader. Use a slim base image, a multi-stage build, and do not ship large files in the image."
            : null;
    }

    private static List<string> ExposeWarnings(ImageFacts facts, int port)
    {
        var tcp = facts.ExposedPorts.Select(p => p.Split('/')).Where(p => p.Length == 1 || p[1] == "tcp").Select(p => p[0]).ToList();
        var wanted = port.ToString(CultureInfo.InvariantCulture);
        return tcp.Count == 0 || tcp.Contains(wanted)
            ? []
            : [$"The image declares EXPOSE {string.Join(", ", tcp)}, but the assignment expects the app on port {wanted}. Make the app listen on 0.0.0.0:{wanted}."];
    }

    private static string Mb(long bytes) => $"{bytes / (1024.0 * 1024.0):0.#} MB";
}
