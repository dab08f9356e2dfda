using Docker.DotNet.Models;
using TaskSpec = Grader.Tasks.TaskSpec;
using static Grader.IntegrationTests.Hostile.HostileSupport;

namespace Grader.IntegrationTests.Hostile;

/// <summary>A student app reaches only PostgreSQL on its gateway: never another task's app, its own
/// student's or anyone else's, on this engine's bridge.</summary>
[Collection(GradingCollection.Name)]
public sealed class NetworkIsolationTests(GraderFixture grader) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    [Fact]
    public async Task NeighbourScanFindsNoOtherTaskAndCannotCallIt()
    {
        var victim = await grader.StartListeningAppAsync("neighbour-victim", "student-victim");
        try
        {
            var gateway = LocalStack.Get("Database__StudentHost");
            await grader.DemoAssignmentAsync("neighbour-scan", a => a with
            {
                Scenarios =
                [
                    new Scenario("db", "Still reaches PostgreSQL", true, 3, [Step($"/v1/reach/{gateway}/{LocalStack.Get("Database__Port")}", """{"reachable": true}""")]),
                    new Scenario("scan", "Finds no neighbour", true, 2, [Step("/v1/scan/8000", """{"open": []}""")]),
                    new Scenario("call", "Cannot call the victim", true, 1, [Step($"/v1/reach/{victim.IpAddress}/8000", """{"reachable": false}""")]),
                ],
            });

            var attacker = await grader.RunAsync(new TaskSpec("student-attacker", "neighbour-scan", grader.Image("neighbour"), false));

            Assert.True(attacker.Status == GradingStatus.Completed, attacker.Message);
            Assert.All(attacker.Steps, s => Assert.True(s.Outcome == StepOutcome.Passed, $"{s.ScenarioId}: {s.ResponseBody}"));
            Assert.Contains("no neighbour to forward to", attacker.ContainerLogs);
            var victimLogs = await grader.LiveLogsAsync(victim);
            Assert.Contains("received GET /v1/not-ready", victimLogs);
            Assert.DoesNotContain("/v1/scan", victimLogs);
            Assert.DoesNotContain("/v1/reach", victimLogs);
        }
        finally
        {
            await grader.StopAsync(victim);
        }
    }

    /// <summary>The control: on an ordinary bridge (not grader-br*) the same attack works, so the two
    /// tests above fail if the isolation goes.</summary>
    [Fact]
    public async Task OnAnOrdinaryBridgeTheSameAppDoesExfiltrate()
    {
        var docker = grader.Docker().Client;
        var network = $"grader-it-control-{LocalStack.RunId}";
        var secret = Guid.NewGuid().ToString("N");
        await docker.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = network, Internal = true });
        var containers = new List<string>();
        try
        {
            foreach (var role in new[] { "attacker", "accomplice" })
            {
                var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
                {
                    Name = $"{network}-{role}",
                    Image = grader.Image("neighbour"),
                    Env = ["STUDENT_APP_MODE=neighbour", "DATABASE_HOST=nowhere"],
                    HostConfig = new HostConfig { NetworkMode = network, CapDrop = ["ALL"], ReadonlyRootfs = true, Tmpfs = new Dictionary<string, string> { ["/tmp"] = "size=16m" } },
                });
                containers.Add(created.ID);
                await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
            }

            var attacker = (await docker.Containers.InspectContainerAsync(containers[0])).NetworkSettings.Networks[network].IPAddress;
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            string scan;
            do
            {
                // Until the attacker's app is up and its scan has found the accomplice.
                await Task.Delay(200, CancellationToken.None);
                scan = await TryGetAsync(http, $"http://{attacker}:8000/v1/scan/8000", CancellationToken.None);
            }
            while (!scan.Contains("\"open\":[\"", StringComparison.Ordinal) && !deadline.IsCancellationRequested);

            Assert.True(scan.Contains("\"open\":[\"", StringComparison.Ordinal), $"the attacker's scan found nothing: {scan}");

            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{attacker}:8000/v1/hello");
            request.Headers.Add("X-Exam-Secret", secret);
            (await http.SendAsync(request, deadline.Token)).EnsureSuccessStatusCode();

            Assert.Contains(secret, await grader.Docker().ReadLogsAsync(containers[1], 1 << 20, CancellationToken.None));
        }
        finally
        {
            foreach (var id in containers)
            {
                await docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true });
            }

            await docker.Networks.DeleteNetworkAsync(network);
        }
    }

    [Fact]
    public async Task PrivateRequestCannotBeForwardedToTheStudentsOtherRunningTask()
    {
        var secret = Guid.NewGuid().ToString("N");
        var accomplice = await grader.StartListeningAppAsync("exfil-accomplice", "student-exfil");
        try
        {
            await grader.DemoAssignmentAsync("exfil-evaluation", a => a with
            {
                Scenarios =
                [
                    // A full scan first, so the app knows every neighbour it can reach before the secret comes.
                    new Scenario("scan", "Finds no neighbour", true, 2, [Step("/v1/scan/8000", """{"open": []}""")]),
                    new Scenario("private", "A private step with a secret", false, 1,
                        [Step("/v1/hello", """{"greeting": "Hello, Arthur!"}""", new Dictionary<string, string> { ["X-Exam-Secret"] = secret })]),
                ],
            });

            // A staff evaluation runs the private step; the student's app tries to pass it on.
            var evaluated = await grader.RunAsync(new TaskSpec("student-exfil", "exfil-evaluation", grader.Image("neighbour"), IncludePrivate: true));

            Assert.True(evaluated.Status == GradingStatus.Completed, evaluated.Message);
            Assert.Equal(evaluated.MaxScore, evaluated.Score);
            Assert.Contains($"X-Exam-Secret={secret}", evaluated.ContainerLogs);
            Assert.Contains("no neighbour to forward to", evaluated.ContainerLogs);
            Assert.DoesNotContain("forwarded to", evaluated.ContainerLogs);
            Assert.DoesNotContain(secret, await grader.LiveLogsAsync(accomplice));
        }
        finally
        {
            await grader.StopAsync(accomplice);
        }
    }

    private static async Task<string> TryGetAsync(HttpClient http, string url, CancellationToken ct)
    {
        try
        {
            return await http.GetStringAsync(url, ct);
        }
        catch (Exception e) when (e is HttpRequestException || e is TaskCanceledException && !ct.IsCancellationRequested)
        {
            return "";
        }
    }
}
