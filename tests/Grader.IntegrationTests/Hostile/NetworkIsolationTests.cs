using Grader.Assignments;
using Grader.IntegrationTests.Grading;
using Grader.IntegrationTests.Infrastructure;
using Grader.Tasks;
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
}
