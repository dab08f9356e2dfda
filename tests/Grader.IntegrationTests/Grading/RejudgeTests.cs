using System.Net.Http.Json;
using System.Text;
using Grader.Assignments;
using Grader.IntegrationTests.Auth;
using Grader.Rejudges;
using Grader.Tasks;

namespace Grader.IntegrationTests.Grading;

/// <summary>Acceptance 3 of issue 14 on the real pipeline: after a suite edit, a rejudge's preview marks
/// exactly the students whose verdict changed; Discard leaves every grade as it was; Apply updates them.</summary>
[Collection(GradingCollection.Name)]
public sealed class RejudgeTests(GraderFixture grader) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    [Fact]
    public async Task PreviewMarksExactlyTheChangedStudentsDiscardKeepsEveryGradeAndApplyUpdatesThem()
    {
        const string id = "rejudged";
        await grader.DemoAssignmentAsync(id);
        var images = new Dictionary<string, string> { ["rj-ann"] = "correct", ["rj-ben"] = "wrong", ["rj-cat"] = "correct" };
        var own = new Dictionary<string, Guid>();
        foreach (var (user, mode) in images)
        {
            own[user] = (await SubmitAsStudentAsync(id, user, grader.Image(mode))).Id;
        }

        var gradesBefore = await grader.Http.GetStringAsync($"/api/assignments/{id}/grades.csv");
        var gradebookBefore = await grader.Http.GetStringAsync($"/api/assignments/{id}/gradebook.csv");
        Assert.Equal(own, Grades(gradesBefore).ToDictionary(g => g.User, g => g.Task));

        // The suite edit: the health check now wants a number where the correct app answers a string. The
        // wrong app failed that step already, so only the correct apps' verdicts change.
        await grader.DemoAssignmentAsync(id, a => a with
        {
            Scenarios = a.Scenarios.Select(s => s.Id != "health" ? s : s with
            {
                Steps = [s.Steps[0] with { Expect = s.Steps[0].Expect with { JsonBody = """{"status": "OK", "database": "#number"}""" } }],
            }).ToList(),
        });

        var discarded = await RejudgeAsync(id);
        Assert.Equal(["rj-ann", "rj-cat"], discarded.Rows.Where(r => r.Changed).Select(r => r.UserId).Order());
        Assert.All(discarded.Rows, r => Assert.Equal(own[r.UserId], r.OldTaskId));
        Assert.Equal(["health#1: Passed → Failed"], discarded.Rows.Single(r => r.UserId == "rj-ann").ChangedSteps);
        Assert.Equal((6m, 5m), discarded.Rows.Single(r => r.UserId == "rj-cat") is var cat ? (cat.OldScore, cat.NewScore) : default);

        var discard = await grader.Http.PostAsync($"/api/rejudges/{discarded.Rejudge.Id}/discard", null);
        Assert.True(discard.IsSuccessStatusCode, await discard.Content.ReadAsStringAsync());
        Assert.Equal(gradesBefore, await grader.Http.GetStringAsync($"/api/assignments/{id}/grades.csv"));
        Assert.Equal(gradebookBefore, await grader.Http.GetStringAsync($"/api/assignments/{id}/gradebook.csv"));
        Assert.Equal(System.Net.HttpStatusCode.Conflict, (await grader.Http.PostAsync($"/api/rejudges/{discarded.Rejudge.Id}/apply", null)).StatusCode);

        var applied = await RejudgeAsync(id);
        Assert.Equal(["rj-ann", "rj-cat"], applied.Rows.Where(r => r.Changed).Select(r => r.UserId).Order());
        var apply = await grader.Http.PostAsync($"/api/rejudges/{applied.Rejudge.Id}/apply", null);
        Assert.True(apply.IsSuccessStatusCode, await apply.Content.ReadAsStringAsync());

        var after = Grades(await grader.Http.GetStringAsync($"/api/assignments/{id}/grades.csv")).ToDictionary(g => g.User);
        Assert.Equal(applied.Rows.ToDictionary(r => r.UserId, r => r.NewTaskId), after.ToDictionary(g => g.Key, g => g.Value.Task));
        Assert.Equal(new Dictionary<string, string> { ["rj-ann"] = "5", ["rj-ben"] = "1", ["rj-cat"] = "5" }, after.ToDictionary(g => g.Key, g => g.Value.Score));
        Assert.Equal(System.Net.HttpStatusCode.Conflict, (await grader.Http.PostAsync($"/api/rejudges/{applied.Rejudge.Id}/discard", null)).StatusCode);

        var history = (await grader.Http.GetFromJsonAsync<List<Web.Rejudges.RejudgeListRow>>($"/api/assignments/{id}/rejudges", GraderFixture.Json))!;
        Assert.Equal([("Applied", 2), ("Discarded", 2)], history.Select(h => (h.Decision, h.Changed ?? -1)));
        Assert.All(history, h => Assert.Equal(3, h.Tasks));
        Assert.Single(history.Select(h => h.SuiteVersion).Distinct());
    }

    [Fact]
    public async Task StaffCannotStartARejudgeOfAnEmptySetOrAnotherAssignmentsEvaluation()
    {
        await grader.DemoAssignmentAsync("rejudge-empty");

        var empty = await grader.Http.PostAsJsonAsync("/api/assignments/rejudge-empty/rejudges", new { scope = "Assignment" });
        var evaluation = await grader.Http.PostAsJsonAsync("/api/assignments/rejudge-empty/rejudges", new { scope = "Evaluation", evaluationId = Guid.NewGuid() });
        var missing = await grader.Http.PostAsJsonAsync("/api/assignments/rejudge-nothing-here/rejudges", new { scope = "Assignment" });

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("nothing to rejudge", await empty.Content.ReadAsStringAsync());
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, evaluation.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Empty((await grader.Http.GetFromJsonAsync<List<Web.Rejudges.RejudgeListRow>>("/api/assignments/rejudge-empty/rejudges", GraderFixture.Json))!);
    }

    private async Task<RejudgePreview> RejudgeAsync(string id)
    {
        var started = await grader.Http.PostAsJsonAsync($"/api/assignments/{id}/rejudges", new { scope = "Assignment" });
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        var view = (await started.Content.ReadFromJsonAsync<RejudgeView>(GraderFixture.Json))!;
        var reruns = await Task.WhenAll(view.Entries.Select(e => grader.FinalAsync(e.NewTaskId, TimeSpan.FromMinutes(4))));
        Assert.All(reruns, r => Assert.Equal(GradingStatus.Completed, r.Status));
        Assert.All(reruns, r => Assert.Equal((GradeChoice.RejudgeSource, false), (r.Spec.Source, r.Spec.IncludePrivate)));
        // Before a decision, the re-runs count for nothing.
        Assert.DoesNotContain(view.Entries[0].NewTaskId.ToString(), await grader.Http.GetStringAsync($"/api/assignments/{id}/grades.csv"));
        return (await grader.Http.GetFromJsonAsync<RejudgePreview>($"/api/rejudges/{view.Id}", GraderFixture.Json))!;
    }

    private async Task<TaskView> SubmitAsStudentAsync(string assignment, string user, string image)
    {
        var request = new SubmissionRequest(user, assignment, image, user, SubmitterRole.Student, "api", Guid.NewGuid());
        var result = await grader.Grains.GetGrain<ISubmissionGrain>(SubmissionKeys.For(assignment, user)).SubmitAsync(request);
        Assert.NotNull(result.Task);
        var final = await grader.FinalAsync(request.TaskId, TimeSpan.FromMinutes(3));
        Assert.Equal(GradingStatus.Completed, final.Status);
        return final;
    }

    private static List<(string User, Guid Task, string Score)> Grades(string csv) =>
        csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).Select(f => (f[0], Guid.Parse(f[1]), f[4])).ToList();
}
