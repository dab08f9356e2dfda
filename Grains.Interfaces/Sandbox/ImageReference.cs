using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Grader.Sandbox;

/// <summary>A Docker image reference, validated and normalised the way the engine reads it:
/// registry (default docker.io), lowercase repository (library/ for official images), and a tag
/// (default latest) and/or a digest.</summary>
public sealed partial record ImageReference(string Registry, string Repository, string? Tag, string? Digest)
{
    public const string DefaultRegistry = "docker.io";
    private const int MaxNameLength = 255;

    /// <summary>What to pass to the engine's pull as fromImage.</summary>
    public string Name => $"{Registry}/{Repository}";

    /// <summary>The tag or digest the engine pulls; a digest wins because it pins the content.</summary>
    public string PullTag => Digest ?? Tag ?? "latest";

    public override string ToString() =>
        Name + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    public static ImageReference Parse(string? input) =>
        TryParse(input, out var reference, out var error) ? reference : throw new FormatException(error);

    public static bool TryParse(string? input, [NotNullWhen(true)] out ImageReference? reference, [NotNullWhen(false)] out string? error)
    {
        reference = null;
        var text = (input ?? "").Trim();
        // Students paste what their registry's web page shows; the engine wants neither of these.
        foreach (var prefix in new[] { "docker pull ", "https://", "http://", "docker://" })
        {
            if (text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                text = text[prefix.Length..].Trim();
            }
        }

        if (text.Length == 0)
        {
            error = "The image reference is empty. Give one like ghcr.io/alice/dbs-app:latest.";
            return false;
        }

        if (text.Any(char.IsWhiteSpace))
        {
            error = $"The image reference '{text}' contains white space.";
            return false;
        }

        string? digest = null;
        var at = text.IndexOf('@');
        if (at >= 0)
        {
            digest = text[(at + 1)..];
            text = text[..at];
            if (!DigestPattern().IsMatch(digest))
            {
                error = $"'{digest}' is not a valid digest: expected sha256: followed by 64 hex digits.";
                return false;
            }
        }

        string? tag = null;
        var lastSlash = text.LastIndexOf('/');
        var colon = text.LastIndexOf(':');
        if (colon > lastSlash)
        {
            tag = text[(colon + 1)..];
            text = text[..colon];
            if (!TagPattern().IsMatch(tag))
            {
                error = $"'{tag}' is not a valid tag: use letters, digits, '_', '.' and '-' (at most 128, not starting with '.' or '-').";
                return false;
            }
        }

        var parts = text.Split('/').ToList();
        var registry = DefaultRegistry;
        if (parts.Count > 1 && (parts[0].Contains('.') || parts[0].Contains(':') || parts[0] == "localhost"))
        {
            registry = parts[0].ToLowerInvariant();
            parts.RemoveAt(0);
            if (!RegistryPattern().IsMatch(registry))
            {
                error = $"'{registry}' is not a valid registry host (expected a host name with an optional :port).";
                return false;
            }
        }

        if (parts.Count == 0 || parts.Any(p => p.Length == 0))
        {
            error = $"'{input?.Trim()}' has an empty path component (check for a doubled or trailing '/').";
            return false;
        }

        for (var i = 0; i < parts.Count; i++)
        {
            // The engine rejects uppercase; registry web pages often show the owner's capitalised name.
            parts[i] = parts[i].ToLowerInvariant();
            if (!PathComponentPattern().IsMatch(parts[i]))
            {
                error = $"'{parts[i]}' is not a valid repository name part: use lowercase letters and digits, separated by '.', '_', '__' or '-'.";
                return false;
            }
        }

        if (registry == DefaultRegistry && parts.Count == 1)
        {
            parts.Insert(0, "library");
        }

        var repository = string.Join('/', parts);
        if (registry.Length + 1 + repository.Length > MaxNameLength)
        {
            error = $"The image name is longer than {MaxNameLength} characters.";
            return false;
        }

        reference = new ImageReference(registry, repository, tag ?? (digest is null ? "latest" : null), digest);
        error = null;
        return true;
    }

    [GeneratedRegex("^sha256:[a-f0-9]{64}$")]
    private static partial Regex DigestPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::[0-9]{1,5})?$")]
    private static partial Regex RegistryPattern();

    [GeneratedRegex("^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")]
    private static partial Regex PathComponentPattern();
}
