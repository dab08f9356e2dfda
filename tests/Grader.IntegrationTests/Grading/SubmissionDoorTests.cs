using Grader.IntegrationTests.Auth;

namespace Grader.IntegrationTests.Grading;

/// <summary>The submission door through the API and the evaluation: a closed assignment, the pending and
/// rate limits, supersede. The page paths are in Browser/SubmissionPagesTests.</summary>
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
        Assert.Equal(GradingStatus.Completed, (await grader.FinalAsync(task.GetProperty("id").GetGuid())).Status);
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
        // The older two were superseded during the later submissions, before anything could wait for them.
        var views = await Task.WhenAll(new[] { first, classmate, second, third }.Select(id => grader.FinalAsync(id)));

        Assert.Equal([GradingStatus.Superseded, GradingStatus.Completed, GradingStatus.Superseded, GradingStatus.Completed], views.Select(v => v.Status));
        Assert.Equal(views[3].MaxScore, views[3].Score);
        Assert.Equal(views[1].MaxScore, views[1].Score);
        Assert.Contains(second.ToString(), views[0].Message ?? "", StringComparison.Ordinal);
        Assert.Contains(third.ToString(), views[2].Message ?? "", StringComparison.Ordinal);
        var page = await alice.GetStringAsync($"/tasks/{first}");
        Assert.Contains("Superseded", page, StringComparison.Ordinal);
    }

    /// <summary>The API path: a student is refused by a closed assignment, at the pending limit and over the
    /// rate limit (429 with Retry-After), and no task is made for any of the three.</summary>
    [Fact]
    public async Task TheApiRefusesAStudentWhenClosedAtThePendingLimitAndOverTheRateLimit()
    {
        const string user = "path-api-student";
        await grader.DemoAssignmentAsync("path-api-closed", a => a with { ClosesAt = DateTimeOffset.UtcNow.AddMinutes(-1) });
        await grader.DemoAssignmentAsync("path-api-pending");
        await grader.DemoAssignmentAsync("path-api-rate", a => a with { SupersedePending = true });
        using var student = await StudentAsync(user);
        var door = Door();
        await door.WhileDrainedAsync(async () =>
        {
            var pending = await door.FillPendingAsync("path-api-pending", user);
            var rate = await door.FillRateWindowAsync("path-api-rate", user);
            try
            {
                var closed = await PostAsync(student, "path-api-closed");
                var overPending = await PostAsync(student, "path-api-pending");
                var overRate = await PostAsync(student, "path-api-rate");

                Assert.Equal(HttpStatusCode.Forbidden, closed.StatusCode);
                Assert.Contains("closed at", await closed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                Assert.Equal(HttpStatusCode.TooManyRequests, overPending.StatusCode);
                Assert.Contains($"already have {door.Limits.MaxPending} unfinished submissions", await overPending.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                Assert.Equal(HttpStatusCode.TooManyRequests, overRate.StatusCode);
                Assert.True(overRate.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
                Assert.Contains("Try again in", await overRate.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                Assert.Equal(0, await door.TaskCountAsync(user, "path-api-closed"));
                Assert.Equal(door.Limits.MaxPending, await door.TaskCountAsync(user, "path-api-pending"));
                Assert.Equal(door.Limits.RateLimit, await door.TaskCountAsync(user, "path-api-rate"));
            }
            finally
            {
                await door.CancelAsync([.. pending, .. rate]);
            }
        });
    }

    /// <summary>The evaluation path is staff only: a student is refused (and nothing is made), staff get
    /// a closed assignment with the override recorded on each task, and a staff run for a student is not
    /// stopped by, counted in, or superseded through that student's own limits.</summary>
    [Fact]
    public async Task TheEvaluationRefusesAStudentAndIsNeitherLimitedNorSupersededByTheStudentsOwnSubmissions()
    {
        const string user = "path-eval-student";
        await grader.DemoAssignmentAsync("path-eval-closed", a => a with { ClosesAt = DateTimeOffset.UtcNow.AddMinutes(-1) });
        await grader.DemoAssignmentAsync("path-eval-pending");
        await grader.DemoAssignmentAsync("path-eval-rate", a => a with { SupersedePending = true });
        using var student = await StudentAsync(user);
        var door = Door();
        var csv = $"user,image\n{user},{grader.Image("correct")}\n";
        await door.WhileDrainedAsync(async () =>
        {
            var pending = await door.FillPendingAsync("path-eval-pending", user);
            var rate = await door.FillRateWindowAsync("path-eval-rate", user);
            var made = new List<Guid>();
            try
            {
                var refused = await student.PostAsync("/api/evaluations?assignmentId=path-eval-closed", new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"));
                Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
                Assert.Equal(0, await door.TaskCountAsync(user, "path-eval-closed"));

                foreach (var assignment in new[] { "path-eval-closed", "path-eval-pending", "path-eval-rate" })
                {
                    var task = await EvaluateAsync(assignment, csv);
                    made.Add(task.GetProperty("id").GetGuid());
                    Assert.Equal("Queued", task.GetProperty("status").GetString());
                    var expectedOverride = assignment == "path-eval-closed" ? "grading-staff" : null;
                    Assert.Equal(expectedOverride, task.GetProperty("spec").GetProperty("closedOverrideBy").GetString());
                }

                // The student's own limits still stand, unchanged by the staff runs: three pending, not four.
                var overPending = await PostAsync(student, "path-eval-pending");
                Assert.Contains($"already have {door.Limits.MaxPending} unfinished submissions", await overPending.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                Assert.Equal(HttpStatusCode.TooManyRequests, (await PostAsync(student, "path-eval-rate")).StatusCode);
            }
            finally
            {
                await door.CancelAsync([.. pending, .. rate, .. made]);
            }
        });
    }

    /// <summary>A superseding assignment: the student's next submission ends their own unfinished one, not
    /// the evaluation task staff queued for them.</summary>
    [Fact]
    public async Task AStudentsSubmissionDoesNotSupersedeAnEvaluationTaskForThem()
    {
        const string user = "path-eval-super-student";
        await grader.DemoAssignmentAsync("path-eval-super", a => a with { SupersedePending = true });
        var door = Door();
        await door.WhileDrainedAsync(async () =>
        {
            var evaluation = (await EvaluateAsync("path-eval-super", $"user,image\n{user},{grader.Image("correct")}\n")).GetProperty("id").GetGuid();
            var own = await door.SubmitAsync("path-eval-super", user);
            var newer = await door.SubmitAsync("path-eval-super", user);
            try
            {
                Assert.Equal(GradingStatus.Queued, await door.StatusAsync(evaluation));
                Assert.Equal(GradingStatus.Superseded, await door.StatusAsync(own));
                Assert.Equal(GradingStatus.Queued, await door.StatusAsync(newer));
            }
            finally
            {
                await door.CancelAsync([evaluation, own, newer]);
            }
        });
    }

    private DoorLimits Door() => new(grader.Services, grader.HostName, grader.Image("correct"));

    private Task<HttpResponseMessage> PostAsync(HttpClient client, string assignment) =>
        client.PostAsJsonAsync("/api/tasks", new { assignmentId = assignment, image = grader.Image("correct") });

    /// <summary>A staff evaluation of a one-row class list; its task as the API shows it.</summary>
    private async Task<JsonElement> EvaluateAsync(string assignment, string csv)
    {
        var created = await grader.Http.PostAsync($"/api/evaluations?assignmentId={assignment}", new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"));
        Assert.True(created.StatusCode == HttpStatusCode.Accepted, await created.Content.ReadAsStringAsync());
        var entry = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("evaluation").GetProperty("entries")[0];
        var task = await grader.Http.GetFromJsonAsync<JsonElement>($"/api/tasks/{entry.GetProperty("taskId").GetGuid()}");
        return task.GetProperty("task");
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
