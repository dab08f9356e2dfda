using System.Text.RegularExpressions;

namespace Grader.Sandbox.Diagnosis;

/// <summary>A fatal error found in a container's output: the line that names it, and the lines around it.</summary>
public sealed record FatalError(string Kind, string Headline, string Excerpt);

/// <summary>Finds the output by which a runtime says a program died: a Python traceback, an unhandled
/// .NET exception, a Node error with its stack, a Go panic, or the kernel's "exec format error" for a
/// binary of another architecture. One row per runtime; the first match in the output wins.</summary>
public static partial class FatalLogScanner
{
    private const int MaxExcerptLines = 24;

    private sealed record Rule(string Kind, Func<string[], int, FatalError?> TryAt);

    private static readonly Rule[] Rules =
    [
        new("exec format error", (lines, i) => lines[i].Contains("exec format error", StringComparison.OrdinalIgnoreCase)
            ? new FatalError("exec format error",
                $"{lines[i].Trim()}: the image was built for another CPU architecture. Rebuild it for linux/amd64 (docker buildx build --platform linux/amd64 …).",
                Excerpt(lines, i, i + 1))
            : null),
        new("Python traceback", (lines, i) => lines[i].TrimStart().StartsWith("Traceback (most recent call last):", StringComparison.Ordinal)
            ? PythonTraceback(lines, i)
            : null),
        new(".NET exception", (lines, i) => lines[i].StartsWith("Unhandled exception. ", StringComparison.Ordinal)
            ? new FatalError(".NET exception", lines[i].Trim(), Excerpt(lines, i, EndOfIndented(lines, i + 1, "at ")))
            : null),
        new("Node error", (lines, i) => NodeError().IsMatch(lines[i]) && i + 1 < lines.Length && lines[i + 1].TrimStart().StartsWith("at ", StringComparison.Ordinal)
            ? new FatalError("Node error", lines[i].Trim(), Excerpt(lines, Math.Max(0, i - 4), EndOfIndented(lines, i + 1, "at ")))
            : null),
        new("Go panic", (lines, i) => lines[i].StartsWith("panic: ", StringComparison.Ordinal)
            ? new FatalError("Go panic", lines[i].Trim(), Excerpt(lines, i, Math.Min(lines.Length, i + 12)))
            : null),
    ];

    public static FatalError? Find(string? logs)
    {
        if (string.IsNullOrEmpty(logs))
        {
            return null;
        }

        var lines = logs.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (var rule in Rules)
            {
                if (rule.TryAt(lines, i) is { } found)
                {
                    return found;
                }
            }
        }

        return null;
    }

    /// <summary>The traceback runs until the first line that is not indented: the exception itself,
    /// which is the headline. Lines right after it belong to its message (pydantic lists fields there).</summary>
    private static FatalError? PythonTraceback(string[] lines, int start)
    {
        for (var i = start + 1; i < lines.Length; i++)
        {
            if (lines[i].Length > 0 && !char.IsWhiteSpace(lines[i][0]))
            {
                var end = i + 1;
                while (end < lines.Length && end - i <= 6 && lines[end].Length > 0 && !lines[end].StartsWith("INFO", StringComparison.Ordinal)
                    && !lines[end].StartsWith("Traceback", StringComparison.Ordinal))
                {
                    end++;
                }

                return new FatalError("Python traceback", lines[i].Trim(), Excerpt(lines, start, end));
            }
        }

        // Cut off before the exception line was written: not yet evidence.
        return null;
    }

    private static int EndOfIndented(string[] lines, int from, string prefix)
    {
        var end = from;
        while (end < lines.Length && lines[end].TrimStart().StartsWith(prefix, StringComparison.Ordinal))
        {
            end++;
        }

        return end;
    }

    private static string Excerpt(string[] lines, int from, int to)
    {
        var end = Math.Min(to, from + MaxExcerptLines);
        var text = string.Join('\n', lines[from..end]).TrimEnd();
        return end < to ? text + "\n…" : text;
    }

    [GeneratedRegex(@"^(Uncaught )?([A-Z][A-Za-z]*)?Error( \[[A-Z_]+\])?: \S")]
    private static partial Regex NodeError();
}
