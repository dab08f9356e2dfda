using System.Diagnostics;
using System.Globalization;

namespace Grader.IntegrationTests.Auth;

/// <summary>A slapd that belongs to one test, started with the stack's own script on a free port, so
/// the test may kill or freeze it without touching the shared directory.</summary>
public sealed class OwnSlapd : IDisposable
{
    private OwnSlapd(string directory, int port, string adminPassword)
    {
        Directory = directory;
        Port = port;
        AdminPassword = adminPassword;
    }

    public string Directory { get; }

    public int Port { get; }

    public string AdminPassword { get; }

    public string Uri => $"ldap://127.0.0.1:{Port}";

    private int Pid => int.Parse(File.ReadAllText(Path.Combine(Directory, "slapd.pid")).Trim(), CultureInfo.InvariantCulture);

    public static OwnSlapd Start()
    {
        var slapd = new OwnSlapd(Path.Combine(Path.GetTempPath(), $"grader-slapd-{LocalStack.RunId}-{Guid.NewGuid():N}"), FreePort.Next(), Guid.NewGuid().ToString("N"));
        slapd.Script("start", slapd.Port.ToString(CultureInfo.InvariantCulture));
        return slapd;
    }

    /// <summary>Like a crashed server: connections are refused.</summary>
    public void Kill()
    {
        using var process = Process.GetProcessById(Pid);
        process.Kill();
        process.WaitForExit();
    }

    /// <summary>Like a hung server: the kernel still accepts connections, nothing ever answers.</summary>
    public void Freeze() => Signal("STOP");

    public void Thaw() => Signal("CONT");

    public void Dispose()
    {
        if (File.Exists(Path.Combine(Directory, "slapd.pid")))
        {
            Thaw();
            Script("stop");
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private void Signal(string signal)
    {
        if (!File.Exists(Path.Combine(Directory, "slapd.pid")))
        {
            return;
        }

        using var kill = Process.Start("kill", ["-" + signal, Pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private void Script(string command, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { Path.Combine(LocalStack.RepoRoot, "infra/ldap/slapd.sh"), command, Directory }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["LDAP_ADMIN_PASSWORD"] = AdminPassword;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"slapd.sh {command} failed: {stderr.Result}");
        }
    }
}
