using System.Globalization;

namespace Grader.Sandbox.Diagnosis;

/// <summary>Exit codes in words. Docker reports 128 + N when signal N ended the main process.</summary>
public static class ExitCodes
{
    private static readonly Dictionary<long, (string Name, string Sentence, string Signal)> Signals = new()
    {
        [134] = ("aborted", "was aborted", "SIGABRT"),
        [137] = ("killed", "was killed", "SIGKILL"),
        [139] = ("segmentation fault", "crashed with a segmentation fault", "SIGSEGV"),
        [143] = ("terminated", "was terminated", "SIGTERM"),
    };

    /// <summary>The end of a sentence that starts with "The app": "exited with code 3", "crashed with a
    /// segmentation fault (SIGSEGV, exit code 139)", "was killed (out of memory, exit code 137): …".</summary>
    public static string Describe(long? code, bool oomKilled)
    {
        var number = code?.ToString(CultureInfo.InvariantCulture) ?? "unknown";
        if (oomKilled)
        {
            return $"was killed (out of memory, exit code {number}): it used more memory than allowed";
        }

        return code is { } c && Signals.TryGetValue(c, out var signal) ? $"{signal.Sentence} ({signal.Signal}, exit code {number})" : $"exited with code {number}";
    }

    /// <summary>A short label for a summary line: "137, killed", "139, segmentation fault", "3".</summary>
    public static string Label(long code, bool oomKilled) =>
        oomKilled ? $"{code}, killed: out of memory"
        : Signals.TryGetValue(code, out var signal) ? $"{code}, {signal.Name}"
        : code.ToString(CultureInfo.InvariantCulture);
}
