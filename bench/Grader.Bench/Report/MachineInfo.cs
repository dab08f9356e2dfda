using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Grader.Bench.Pipeline;
using Npgsql;

namespace Grader.Bench.Report;

/// <summary>What the figures were measured on. The machine is shared, so the load average before and
/// after the run is part of the record: compare figures only with floors from the same run.</summary>
internal sealed record MachineInfo(int Cores, double MemoryGb, string Os, string Dotnet, string DockerEngine, string PostgreSql, string Commit)
{
    public static async Task<MachineInfo> ReadAsync()
    {
        var env = StackEnvironment.Read();
        return new MachineInfo(Environment.ProcessorCount, ReadMemoryGb(), RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription,
            await DockerVersionAsync(env), await PostgresVersionAsync(env), Run("git", "-C", StackEnvironment.RepoRoot, "rev-parse", "--short=12", "HEAD").Trim()
                + (Run("git", "-C", StackEnvironment.RepoRoot, "status", "--porcelain", "--untracked-files=no").Trim().Length > 0 ? " (with uncommitted changes)" : ""));
    }

    /// <summary>The 1, 5 and 15 minute load averages, as /proc/loadavg gives them.</summary>
    public static double[] LoadAverage() =>
        File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();

    private static double ReadMemoryGb()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return Math.Round(long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0 / 1024, 1);
    }

    private static async Task<string> DockerVersionAsync(Dictionary<string, string> env)
    {
        using var client = new Docker.DotNet.DockerClientConfiguration(new Uri(env["Docker__Endpoint"])).CreateClient();
        return (await client.System.GetVersionAsync()).Version;
    }

    private static async Task<string> PostgresVersionAsync(Dictionary<string, string> env)
    {
        await using var connection = new NpgsqlConnection(StackEnvironment.Database(env, "postgres").ConnectionString);
        await connection.OpenAsync();
        return connection.PostgreSqlVersion.ToString();
    }

    private static string Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
