using System.Diagnostics;

namespace Grader.Testing;

/// <summary>How tests and benchmarks reach the local stack: the repository root, running its scripts and
/// programs, and the settings <c>infra/stack.sh env</c> prints. One source file, linked into both
/// projects, so neither carries its own copy.</summary>
internal static class StackScripts
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Runs a repo script with bash and returns its standard output; throws with its output otherwise.</summary>
    public static string RunScript(string relativePath, params string[] args) =>
        Run("bash", [Path.Combine(RepoRoot, relativePath), .. args], RepoRoot);

    /// <summary>Runs a program and returns its standard output; throws with both outputs otherwise.</summary>
    public static string Run(string program, IReadOnlyList<string> args, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return process.ExitCode == 0
            ? stdout.Result
            : throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {process.ExitCode}:\n{stderr.Result}\n{stdout.Result}");
    }

    /// <summary>The stack's settings (DOCKER_HOST, Database__Password, ...), from <c>infra/stack.sh env</c>.</summary>
    public static Dictionary<string, string> ReadEnvironment() =>
        RunScript("infra/stack.sh", "env")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith("export ", StringComparison.Ordinal))
            .Select(l => l["export ".Length..].Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Grader.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Grader.sln not found above " + AppContext.BaseDirectory + "; run from inside the repository.");
    }
}
