using System.Security.Cryptography;
using System.Text;

namespace Grader.Sandbox;

/// <summary>Names of everything one attempt creates. They are derived only from the host id, the task id
/// and the attempt number, never from user input, and they carry the host's tag so that each host's
/// reconciler removes only its own leftovers.</summary>
public sealed record SandboxNames(string HostTag, Guid TaskId, int Attempt)
{
    public const string Prefix = "grader_";
    public const string LabelTask = "grader.task";
    public const string LabelAttempt = "grader.attempt";
    public const string LabelHost = "grader.host";

    /// <summary>Container name, role name and database name (all the same, all within PostgreSQL's 63 bytes).</summary>
    public string Name => $"{Prefix}{HostTag}_{TaskId:N}_{Attempt}";

    public static string TagFor(string host) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(host)))[..8];

    public static SandboxNames For(string host, Guid taskId, int attempt) => new(TagFor(host), taskId, attempt);

    /// <summary>What every pooled clone of a host starts with (database and its prepared role share the
    /// name). Not under <c>grader_&lt;tag&gt;_</c>, so a clone waiting in the pool is never taken for an
    /// attempt's leftover; the sweepers list these separately and keep only what the live pool holds.</summary>
    public static string PoolPrefixFor(string hostTag) => $"{Prefix}pool_{hostTag}_";

    public static string NewPoolName(string hostTag) =>
        PoolPrefixFor(hostTag) + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>Whether a name is some host's pooled clone.</summary>
    public static bool IsPoolName(string name) => name.StartsWith($"{Prefix}pool_", StringComparison.Ordinal);

    /// <summary>Reads a name back, so the reconciler can ask whether its attempt is still alive.</summary>
    public static SandboxNames? TryParse(string name)
    {
        var trimmed = name.TrimStart('/');
        if (!trimmed.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = trimmed[Prefix.Length..].Split('_');
        return parts.Length == 3 && parts[0].Length == 8 && Guid.TryParseExact(parts[1], "N", out var id) && int.TryParse(parts[2], out var attempt)
            ? new SandboxNames(parts[0], id, attempt)
            : null;
    }
}
