using System.Diagnostics;

namespace Grader.IntegrationTests.Deployment;

/// <summary>Runs a command to its end with the given extra environment and returns what it printed.</summary>
public static class Shell
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> args, IDictionary<string, string>? env = null, string? directory = null)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory ?? "" };
        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>As <see cref="RunAsync"/>, failing with the output unless the command succeeds.</summary>
    public static async Task<string> CheckAsync(string file, IEnumerable<string> args, IDictionary<string, string>? env = null, string? directory = null)
    {
        var (exitCode, output) = await RunAsync(file, args, env, directory);
        return exitCode == 0 ? output : throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {exitCode}:\n{output}");
    }
}
