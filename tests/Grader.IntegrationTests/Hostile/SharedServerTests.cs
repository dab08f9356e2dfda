using Xunit.Abstractions;

namespace Grader.IntegrationTests.Hostile;

/// <summary>Attacks on the PostgreSQL server every task shares: a flood of logins that stall in
/// authentication, a session held in a template, and assignments that name the server's own databases.</summary>
[Collection(HostileDatabaseCollection.Name)]
public sealed class SharedServerTests(HostileDatabaseFixture grader, ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>infra/stack.sh's per-address cap on connections to PostgreSQL (GRADER_PG_CONN_PER_SOURCE).</summary>
    private const int ConnectionsPerContainer = 24;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    [Fact]
    public async Task PreAuthenticationFloodIsCappedPerContainerWhileTheGraderAndAnotherTaskCarryOn()
    {
        var flood = await grader.DemoAssignmentAsync("hostile-pg-flood", a => a with
        {
            Scenarios =
            [
                new Scenario("hold", "Holds its stalled logins for a while", true, 1,
                    [new ScenarioStep(new StepRequest("GET", "/v1/hold/8"), new StepExpectation([200], """{"open": "#integer"}"""), TimeoutSeconds: 30)]),
            ],
        });
        var correct = await grader.DemoAssignmentAsync("hostile-pg-flood-neighbour");
        // The cap lives in the stack's firewall chain; make sure this checkout's chain is the one in place.
        LocalStack.RunScript("infra/stack.sh", "up");
        var floodId = Guid.NewGuid();
        var testing = grader.Transitions.WaitForAsync(floodId, v => v.Phases.Any(p => p.Phase == "testing") || v.Status.IsTerminal(), TimeSpan.FromMinutes(2));
        var floodDone = grader.Transitions.WaitForAsync(floodId, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(2));
        await grader.Services.GetRequiredService<IGrainFactory>().GetGrain<ITaskGrain>(floodId)
            .SubmitAsync(new TaskSpec("student-flood", flood.Id, grader.Image("pg-flood"), false));
        await testing;

        // While the flood holds its logins: backends stuck in authentication, the grader, a neighbour.
        var stalled = BackendsInAuthentication();
        var chain = LocalStack.Run("iptables", "-S", "GRADER-STUDENTS");
        var ready = await grader.AnonymousClient().GetAsync("/readyz");
        var neighbour = await grader.RunAsync(new TaskSpec("student-neighbour", correct.Id, grader.Image("correct"), true));
        var flooded = await floodDone;

        Assert.True(ready.IsSuccessStatusCode, await ready.Content.ReadAsStringAsync());
        Assert.True(neighbour.Status == GradingStatus.Completed, neighbour.Message);
        Assert.Equal(neighbour.MaxScore, neighbour.Score);
        Assert.True(flooded.Status == GradingStatus.Completed, flooded.Message);
        var hold = Assert.Single(flooded.Steps);
        Assert.True(hold.Outcome == StepOutcome.Passed, $"{hold.Outcome}: {hold.Message} {hold.ResponseBody}");
        var open = System.Text.Json.JsonDocument.Parse(hold.ResponseBody!).RootElement.GetProperty("open").GetInt32();
        output.WriteLine($"flood: {open} of 60 logins accepted, {stalled} backends in authentication from the student network, /readyz {(int)ready.StatusCode}, neighbour {neighbour.Score}/{neighbour.MaxScore}");
        Assert.True(chain.Contains("connlimit", StringComparison.Ordinal), $"the firewall chain lost its per-address cap during the test (another checkout's stack.sh?):\n{chain}");
        // The attack really ran, and the firewall cut it at the per-container cap (the app's own pool counts too).
        Assert.InRange(open, 1, ConnectionsPerContainer);
        Assert.InRange(stalled, 1, ConnectionsPerContainer);
    }

    [Fact]
    public async Task StudentCannotSitInTheTemplateSoAnotherStudentsCloneSucceeds()
    {
        var assignment = await DemoAssignment.LoadAsync("hostile-template-hold");
        // A template as CREATE DATABASE makes it: open to PUBLIC.
        await LocalStack.ExecAsync("postgres", $"GRANT CONNECT, TEMPORARY ON DATABASE \"{assignment.Database}\" TO PUBLIC");
        assignment = assignment with
        {
            Environment = new Dictionary<string, string>(assignment.Environment) { ["TEMPLATE_NAME"] = assignment.Database! },
            Scenarios =
            [
                new Scenario("hold", "Connects to its template", true, 1,
                    [new ScenarioStep(new StepRequest("GET", "/v1/template"), new StepExpectation([200], """{"template": "42501"}"""))]),
                .. assignment.Scenarios,
            ],
        };
        var put = await grader.Http.PutAsJsonAsync($"/api/assignments/{assignment.Id}", assignment, GraderFixture.Json);
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        Assert.False(await LocalStack.ScalarAsync<bool>("postgres", "SELECT has_database_privilege('public', @d, 'CONNECT')", ("d", assignment.Database!)));

        var tasks = await Task.WhenAll(
            grader.RunAsync(new TaskSpec("student-holder", assignment.Id, grader.Image("template-hold"), true)),
            grader.RunAsync(new TaskSpec("student-victim", assignment.Id, grader.Image("correct"), true)));

        var holder = tasks[0];
        Assert.True(holder.Steps.Single(s => s.ScenarioId == "hold").Outcome == StepOutcome.Passed, holder.Steps.Single(s => s.ScenarioId == "hold").ResponseBody);
        var victim = tasks[1];
        Assert.True(victim.Status == GradingStatus.Completed, victim.Message);
        Assert.All(victim.Steps.Where(s => s.ScenarioId != "hold"), s => Assert.Equal(StepOutcome.Passed, s.Outcome));
    }

    [Theory]
    [InlineData("postgres", "postgres", "belongs to the PostgreSQL server")]
    [InlineData("template1", "template1", "belongs to the PostgreSQL server")]
    [InlineData("sandbox", "grader_0123abcd_00000000000000000000000000000001_1", "is a task's sandbox")]
    [InlineData("grader", null, "is the grader's own database (Database:Name)")]
    public async Task AssignmentMayNotNameTheServersOwnDatabases(string id, string? database, string reason)
    {
        var assignment = (await DemoAssignment.LoadAsync($"hostile-reserved-{id}")) with { Database = database ?? grader.StateDatabase };

        var put = await grader.Http.PutAsJsonAsync($"/api/assignments/{assignment.Id}", assignment, GraderFixture.Json);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains(reason, await put.Content.ReadAsStringAsync());
        Assert.Null(await grader.Services.GetRequiredService<IGrainFactory>().GetGrain<IAssignmentGrain>(assignment.Id).GetAsync());
    }

    /// <summary>PostgreSQL backends still in authentication that came from the student network.</summary>
    private static int BackendsInAuthentication()
    {
        var subnet = LocalStack.Get("Database__StudentHost")[..LocalStack.Get("Database__StudentHost").LastIndexOf('.')] + ".";
        var count = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var title = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (title.StartsWith("postgres: ", StringComparison.Ordinal) && title.Contains(" authentication", StringComparison.Ordinal) && title.Contains(subnet, StringComparison.Ordinal))
                {
                    count++;
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return count;
    }
}
