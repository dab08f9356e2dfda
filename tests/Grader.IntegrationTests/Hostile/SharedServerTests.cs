using System.Net.Http.Json;
using Grader.Assignments;
using Grader.IntegrationTests.Grading;
using Grader.Sandbox;
using Grader.Tasks;
using Xunit.Abstractions;

namespace Grader.IntegrationTests.Hostile;

/// <summary>Attacks on the PostgreSQL server every task shares: a flood of logins that stall in
/// authentication, a session held in a template, and assignments that name the server's own databases.</summary>
[Collection(HostileCollection.Name)]
public sealed class SharedServerTests(HostileFixture grader, ITestOutputHelper output) : IAsyncLifetime
{
    private const int ConnectionsPerContainer = HostileAssignments.ConnectionsPerContainer;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    [Fact]
    public async Task PreAuthenticationFloodIsCappedPerContainerWhileTheGraderAndAnotherTaskCarryOn()
    {
        var flood = await grader.DemoAssignmentAsync("hostile-pg-flood", HostileAssignments.ConnectionFlood);
        var correct = await grader.DemoAssignmentAsync("hostile-pg-flood-neighbour");
        // The cap lives in the stack's firewall chain; make sure this checkout's chain is the one in place.
        LocalStack.RunScript("infra/stack.sh", "up");
        var floodId = Guid.NewGuid();
        var testing = grader.Transitions.WaitForAsync(floodId, v => v.Phases.Any(p => p.Phase == "testing") || v.Status.IsTerminal(), TimeSpan.FromMinutes(2));
        var floodDone = grader.Transitions.WaitForAsync(floodId, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(2));
        await grader.Grains.GetGrain<ITaskGrain>(floodId).SubmitAsync(new TaskSpec("student-flood", flood.Id, grader.Image("pg-flood"), false));
        await testing;

        // While the flood holds its logins: backends stuck in authentication, the grader, a neighbour.
        var stalled = BackendsInAuthentication();
        var roleLimit = await LocalStack.ScalarAsync<int>("postgres", "SELECT rolconnlimit FROM pg_roles WHERE rolname = @r",
            ("r", SandboxNames.For(grader.HostName, floodId, 1).Name));
        var chain = LocalStack.Run("iptables", "-S", "GRADER-STUDENTS");
        var ready = await grader.AnonymousClient().GetAsync("/readyz");
        var neighbour = await grader.RunAsync(new TaskSpec("student-neighbour", correct.Id, grader.Image("correct"), true));
        var flooded = await floodDone;

        Assert.True(ready.IsSuccessStatusCode, await ready.Content.ReadAsStringAsync());
        Assert.True(neighbour.Status == GradingStatus.Completed, neighbour.Message);
        Assert.Equal(neighbour.MaxScore, neighbour.Score);
        HostileAssignments.FloodCapped(flooded);
        var open = HostileAssignments.FloodOpen(flooded);
        output.WriteLine($"flood: {open} of 60 logins accepted, {stalled} backends in authentication from the student network, /readyz {(int)ready.StatusCode}, neighbour {neighbour.Score}/{neighbour.MaxScore}");
        Assert.True(chain.Contains("connlimit", StringComparison.Ordinal), $"the firewall chain lost its per-address cap during the test (another checkout's stack.sh?):\n{chain}");
        Assert.InRange(stalled, 1, ConnectionsPerContainer);
        // Past authentication, the role's own limit (Database:SandboxConnectionLimit) applies.
        Assert.Equal(new Grader.Database.DatabaseOptions().SandboxConnectionLimit, roleLimit);
    }

    [Fact]
    public async Task StudentCannotSitInTheTemplateSoAnotherStudentsCloneSucceeds()
    {
        var assignment = await DemoAssignment.LoadAsync("hostile-template-hold");
        // A template as CREATE DATABASE makes it: open to PUBLIC.
        await LocalStack.ExecAsync("postgres", $"GRANT CONNECT, TEMPORARY ON DATABASE \"{assignment.Database}\" TO PUBLIC");
        assignment = HostileAssignments.TemplateHold(assignment);
        await grader.PutAssignmentAsync(assignment);
        Assert.False(await LocalStack.ScalarAsync<bool>("postgres", "SELECT has_database_privilege('public', @d, 'CONNECT')", ("d", assignment.Database!)));

        var tasks = await Task.WhenAll(
            grader.RunAsync(new TaskSpec("student-holder", assignment.Id, grader.Image("template-hold"), true)),
            grader.RunAsync(new TaskSpec("student-victim", assignment.Id, grader.Image("correct"), true)));

        HostileAssignments.HoldRefused(tasks[0]);
        HostileAssignments.CloneUnhindered(tasks[1]);
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
        Assert.Null(await grader.Grains.GetGrain<IAssignmentGrain>(assignment.Id).GetAsync());
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
