using Grader.Assignments;

namespace Grader.Sandbox;

/// <summary>Where a student container may write, and how much. The root file system is read-only
/// (<c>--storage-opt size</c> needs a driver this host lacks), so the places apps write to are tmpfs.
/// Their pages count against the memory limit, so together they take at most half of it: an app that
/// fills them all still has the other half, and a 3 GB write stops at the cap with ENOSPC.</summary>
public sealed record WritableMounts(IReadOnlyDictionary<string, string> Tmpfs, long ShmBytes)
{
    public const long Mb = 1024 * 1024;

    public static WritableMounts For(ResourceLimits limits)
    {
        long memory = limits.MemoryMb;
        var tmp = Math.Max(8, memory / 4);
        var varTmp = Math.Max(8, memory / 8);
        const long Run = 8;
        var shm = Math.Max(4, memory / 16);
        return new WritableMounts(
            new Dictionary<string, string>
            {
                ["/tmp"] = Options(tmp),
                ["/var/tmp"] = Options(varTmp),
                ["/run"] = Options(Run),
            },
            shm * Mb);
    }

    /// <summary>noexec is left off: runtimes unpack native helpers into /tmp and run them there.</summary>
    private static string Options(long sizeMb) => $"rw,nosuid,nodev,size={sizeMb}m";
}
