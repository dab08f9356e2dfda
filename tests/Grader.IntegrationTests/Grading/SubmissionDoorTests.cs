using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grader.IntegrationTests.Auth;
using Grader.Tasks;
using Grader.Web.Auth;

namespace Grader.IntegrationTests.Grading;

/// <summary>The submission door through the API: a closed assignment, the rate limit, supersede.</summary>
[Collection(GradingCollection.Name)]
public sealed class SubmissionDoorTests(GraderFixture grader) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    [Fact]
    public async Task ClosedAssignmentRefusesAStudentAndRecordsAStaffOverride()
    {
        await grader.DemoAssignmentAsync("door-closed", a => a with { ClosesAt = DateTimeOffset.UtcNow.AddMinutes(-1) });
        using var student = await StudentAsync("door-closed-student");

        var refused = await student.PostAsJsonAsync("/api/tasks", new { assignmentId = "door-closed", image = grader.Image("correct") });
        var staff = await grader.Http.PostAsJsonAsync("/api/tasks", new { assignmentId = "door-closed", image = grader.Image("correct") });

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("closed", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, staff.StatusCode);
        var task = (await staff.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("task");
        Assert.Equal("grading-staff", task.GetProperty("spec").GetProperty("closedOverrideBy").GetString());
        await grader.Transitions.WaitForAsync(task.GetProperty("id").GetGuid(), v => v.Status.IsTerminal(), TimeSpan.FromMinutes(2))
            .ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>Three quick submissions of one student to a superseding assignment: one graded, two
    /// superseded; a classmate's submission in between is unaffected.</summary>
    [Fact]
    public async Task NewerSubmissionsSupersedeOlderOnesOfTheSameStudentOnly()
    {
        await grader.DemoAssignmentAsync("door-supersede", a => a with { SupersedePending = true });
        using var alice = await StudentAsync("door-alice");
        using var bob = await StudentAsync("door-bob");

        var first = await SubmitAsync(alice, "door-supersede");
        var classmate = await SubmitAsync(bob, "door-supersede");
        var second = await SubmitAsync(alice, "door-supersede");
        var third = await SubmitAsync(alice, "door-supersede");
        var views = await Task.WhenAll(new[] { first, classmate, second, third }.Select(id =>
            grader.Transitions.WaitForAsync(id, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(2))
                .ContinueWith(_ => grader.Grains.GetGrain<ITaskGrain>(id).GetAsync(), TaskScheduler.Default).Unwrap()));

        Assert.Equal([GradingStatus.Superseded, GradingStatus.Completed, GradingStatus.Superseded, GradingStatus.Completed], views.Select(v => v!.Status));
        Assert.Equal(views[3]!.MaxScore, views[3]!.Score);
        var page = await alice.GetStringAsync($"/tasks/{first}");
        Assert.Contains("Superseded", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRateLimitRefusesWithRetryAfter()
    {
        await grader.DemoAssignmentAsync("door-rate", a => a with { SupersedePending = true });
        using var student = await StudentAsync("door-rate-student");
        HttpResponseMessage? last = null;
        for (var i = 0; i < 11; i++)
        {
            last = await student.PostAsJsonAsync("/api/tasks", new { assignmentId = "door-rate", image = grader.Image("no-such-tag") });
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last!.StatusCode);
        Assert.True(last.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
        Assert.Contains("Try again in", await last.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<HttpClient> StudentAsync(string name)
    {
        var client = grader.AnonymousClient();
        await TestAccounts.SignInAsync(grader.Services, client, name, UserRole.Student);
        return client;
    }

    private async Task<Guid> SubmitAsync(HttpClient client, string assignment)
    {
        var response = await client.PostAsJsonAsync("/api/tasks", new { assignmentId = assignment, image = grader.Image("correct") });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("task").GetProperty("id").GetGuid();
    }
}
