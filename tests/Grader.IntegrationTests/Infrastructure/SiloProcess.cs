using System.Diagnostics;

namespace Grader.IntegrationTests.Infrastructure;

/// <summary>A grader silo as its own operating-system process, as an operator starts one per Docker host.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private SiloProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public static ProcessStartInfo StartInfo(IDictionary<string, string?> settings)
    {
        // The silo's own build output: the test's folder resolves assemblies for a test host, not a silo.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var directory = Path.Combine(LocalStack.RepoRoot, "Silo", "bin", configuration, "net10.0");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        var dll = Path.Combine(directory, "Grader.Silo.dll");
        start.ArgumentList.Add(dll);
        // The child sees only what the test gives it, not the developer's shell settings.
        foreach (var key in start.Environment.Keys.Where(k => k.Contains("__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in SiloSettings.AsEnvironment(settings))
        {
            start.Environment[key] = value;
        }

        start.Environment["Logging__Console__FormatterName"] = "simple";
        return start;
    }

    public static SiloProcess Start(IDictionary<string, string?> settings) => new(Process.Start(StartInfo(settings))!);

    /// <summary>Ends the process at once, as a power cut or an OOM kill would: nothing gets to clean up.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, as an operator's <c>systemctl stop</c> or <c>docker stop</c> sends it.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>SIGSTOP: the silo holds its connections open but answers nothing, as a hung machine does.</summary>
    public void Freeze()
    {
        using var stop = Process.Start("kill", ["-STOP", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        stop.WaitForExit();
    }

    /// <summary>True if the process exited within the limit.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan limit)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(limit);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public int ExitCode => _process.ExitCode;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
