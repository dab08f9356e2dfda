using System.Diagnostics;

namespace Grader.IntegrationTests.Deployment;

/// <summary>The real <c>grader</c> CLI as a user runs it: <c>dotnet grader.dll</c> (built next to the
/// tests) in its own process, with its own config file, the given standard input and environment.</summary>
public sealed class CliProcess(string configPath)
{
    public sealed record Result(int ExitCode, string Output, string Errors)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Errors}";
    }

    /// <param name="interruptWhen">Sends SIGINT (Ctrl-C) once, when a line on stderr matches.</param>
    public async Task<Result> RunAsync(string[] args, string? input = null, IReadOnlyDictionary<string, string>? environment = null,
        Func<string, bool>? interruptWhen = null)
    {
        // A user's Ctrl-C arrives at a CLI whose SIGINT has its default handling. A test host started in the
        // background by a script (no job control) ignores SIGINT, its children inherit that, and .NET then leaves
        // an ignored SIGINT ignored: reset it, or the interrupt tests pass or fail by how CI was launched.
        var start = new ProcessStartInfo("env")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "grader.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Only this test's settings: none of the test host's grader variables leak in.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("GRADER_", StringComparison.Ordinal) || k.Contains("__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["GRADER_CONFIG"] = configPath;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = ReadErrorsAsync(process, interruptWhen);
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"grader {string.Join(' ', args)} did not end in 5 minutes:\n{await output}\n{await errors}");
        }

        return new Result(process.ExitCode, await output, await errors);
    }

    private static async Task<string> ReadErrorsAsync(Process process, Func<string, bool>? interruptWhen)
    {
        var text = new System.Text.StringBuilder();
        while (await process.StandardError.ReadLineAsync() is { } line)
        {
            text.AppendLine(line);
            if (interruptWhen is not null && interruptWhen(line))
            {
                interruptWhen = null;
                Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            }
        }

        return text.ToString();
    }
}
