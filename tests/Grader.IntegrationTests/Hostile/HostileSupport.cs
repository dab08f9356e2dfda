using System.Net.Sockets;
using Grader.Assignments;
using Grader.IntegrationTests.Grading;
using Grader.Runners;
using Grader.Sandbox.Docker;
using Grader.Sandbox;

namespace Grader.IntegrationTests.Hostile;

/// <summary>A student app that a task keeps running: it listens, but its health path never succeeds,
/// so the grader's probe waits on it while another task attacks it.</summary>
public sealed record ListeningApp(Guid TaskId, string Container, string IpAddress);

/// <summary>What the hostile tests share: the hand-made images, apps kept running, their live logs.</summary>
public static class HostileSupport
{
    public static string Hostile(this GraderFixture grader, string tag) => $"{grader.Registry}/students/hostile:{tag}";

    public static ScenarioStep Step(string path, string expected, IReadOnlyDictionary<string, string>? headers = null) =>
        new(new StepRequest("GET", path, Headers: headers), new StepExpectation([200], expected, null, MatchMode.Exact));

    public static DockerEngine Docker(this GraderFixture grader) => grader.Services.GetRequiredService<DockerEngine>();

    public static async Task<ListeningApp> StartListeningAppAsync(this GraderFixture grader, string assignmentId, string userId)
    {
        await grader.DemoAssignmentAsync(assignmentId, a => a with { HealthPath = "/v1/not-ready", StartupTimeoutSeconds = 300 });
        var id = Guid.NewGuid();
        var probing = grader.Transitions.WaitForAsync(id, v => v.Phases.Any(p => p.Phase == "probing") || v.Status.IsTerminal(), TimeSpan.FromMinutes(2));
        await grader.Grains.GetGrain<ITaskGrain>(id).SubmitAsync(new TaskSpec(userId, assignmentId, grader.Image("neighbour"), false));
        var view = await probing;
        Assert.False(view.Status.IsTerminal(), view.Message);
        var name = SandboxNames.For(grader.HostName, id, view.Attempt).Name;
        var inspected = await grader.Docker().Client.Containers.InspectContainerAsync(name);
        var ip = inspected.NetworkSettings.Networks.Values.Single().IPAddress;
        // Control: the app really listens, and the host (where the runner is) reaches it.
        await ConnectsAsync(ip, 8000, TimeSpan.FromSeconds(60));
        return new ListeningApp(id, name, ip);
    }

    public static Task<string> LiveLogsAsync(this GraderFixture grader, ListeningApp app) =>
        grader.Docker().ReadLogsAsync(app.Container, 4 * 1024 * 1024, CancellationToken.None);

    public static async Task StopAsync(this GraderFixture grader, ListeningApp app)
    {
        var stopped = grader.Transitions.WaitForAsync(app.TaskId, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(3));
        await grader.Grains.GetGrain<ITaskGrain>(app.TaskId).CancelAsync("test");
        await stopped;
        // The runner's cleanup ends after the task is marked cancelled; wait until the runner lets go.
        var runner = grader.Grains.GetGrain<IRunnerGrain>(grader.HostName);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await runner.HasJobAsync(app.TaskId, 1))
        {
            await Task.Delay(100, deadline.Token);
        }
    }

    private static string ServerLog => Path.Combine(LocalStack.Get("GRADER_HOME"), "log", "postgres.log");

    /// <summary>Where the shared PostgreSQL server's log ends now, to read what it logs from here on.</summary>
    public static long ServerLogLength() => new FileInfo(ServerLog).Length;

    public static string ServerLogSince(long offset)
    {
        using var stream = new FileStream(ServerLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(offset, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Waits until a TCP connection succeeds: the app is listening.</summary>
    private static async Task ConnectsAsync(string ip, int port, TimeSpan within)
    {
        using var deadline = new CancellationTokenSource(within);
        while (true)
        {
            using var tcp = new TcpClient();
            try
            {
                await tcp.ConnectAsync(ip, port, deadline.Token);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, deadline.Token);
            }
        }
    }
}
