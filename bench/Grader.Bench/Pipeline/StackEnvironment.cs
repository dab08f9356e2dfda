using System.Diagnostics;

namespace Grader.Bench.Pipeline;

/// <summary>The local stack's settings, as <c>infra/stack.sh env</c> prints them.</summary>
internal static class StackEnvironment
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static Dictionary<string, string> Read()
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepoRoot, "infra/stack.sh"));
        start.ArgumentList.Add("env");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("infra/stack.sh env failed; start the stack with infra/stack.sh up: " + process.StandardError.ReadToEnd());
        }

        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith("export ", StringComparison.Ordinal))
            .Select(l => l["export ".Length..].Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Grader.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmark from inside the repository.");
    }
}
