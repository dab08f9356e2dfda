namespace Grader.Sandbox;

/// <summary>What an image's config and manifest say about it, read from the registry before the pull
/// or from the engine after it. Sizes are null where the source does not know them.</summary>
public sealed record ImageFacts(
    string? Os,
    string? Architecture,
    IReadOnlyList<string> Entrypoint,
    IReadOnlyList<string> Command,
    IReadOnlyList<string> ExposedPorts,
    long? CompressedBytes,
    long? UncompressedBytes)
{
    /// <summary>The platforms of a multi-platform index that has none for this host.</summary>
    public IReadOnlyList<string> OtherPlatforms { get; init; } = [];
}

/// <summary>The pre-flight's verdict: a refusal written for the student, or warnings shown with the result.</summary>
public sealed record PreflightVerdict(string? Refusal, IReadOnlyList<string> Warnings)
{
    public static readonly PreflightVerdict Clear = new(null, []);
}
