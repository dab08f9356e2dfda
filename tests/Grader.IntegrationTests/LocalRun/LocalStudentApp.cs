using System.Diagnostics;
using System.Net.Sockets;

namespace Grader.IntegrationTests.LocalRun;

/// <summary>The student app as a student runs it on their own machine: a plain process on localhost,
/// on its own database made from the assignment's template.</summary>
public sealed class LocalStudentApp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _database;
    private readonly string _buildDirectory;

    private LocalStudentApp(Process process, string database, string buildDirectory, int port)
    {
        (_process, _database, _buildDirectory, Port) = (process, database, buildDirectory, port);
    }

    public int Port { get; }

    public static async Task<LocalStudentApp> StartAsync(string mode, string database, IReadOnlyDictionary<string, string> environment)
    {
        await LocalStack.CreateDatabaseAsync(database, await File.ReadAllTextAsync(Path.Combine(LocalStack.RepoRoot, "infra/demo/template.sql")));
        var output = Directory.CreateTempSubdirectory("student-app-").FullName;
        Run("dotnet", "build", Path.Combine(LocalStack.RepoRoot, "tests/StudentApp/StudentApp.csproj"), "-c", "Release", "-o", output, "--nologo", "-v", "q");
        var port = FreePort.Next();
        var start = new ProcessStartInfo(Path.Combine(output, "StudentApp")) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["STUDENT_APP_MODE"] = mode;
        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["DATABASE_HOST"] = LocalStack.Get("Database__Host");
        start.Environment["DATABASE_PORT"] = LocalStack.Get("Database__Port");
        start.Environment["DATABASE_NAME"] = database;
        start.Environment["DATABASE_USER"] = LocalStack.Get("Database__Username");
        start.Environment["DATABASE_PASSWORD"] = LocalStack.Get("Database__Password");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var app = new LocalStudentApp(process, database, output, port);
        await app.WaitUntilListeningAsync();
        return app;
    }

    private async Task WaitUntilListeningAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    private static void Run(string file, params string[] args) => Grader.Testing.StackScripts.Run(file, args);

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        await LocalStack.DropDatabaseAsync(_database);
        Directory.Delete(_buildDirectory, recursive: true);
    }
}
