using Grader.Assignments;
using Grader.Rejudges;
using Grader.IntegrationTests.Browser;
using Grader.Tasks;
using Microsoft.Playwright;

namespace Grader.IntegrationTests.Deployment;

/// <summary>Issue 14's rejudging on a screen, in the published Production build: after a suite edit staff
/// start a rejudge from the assignment's rejudge page, see old against new with the changed student marked,
/// and apply it (the gradebook then shows the re-run) or discard it (the gradebook keeps the old task).</summary>
[Collection(PublishedCollection.Name)]
public sealed class RejudgePageTests(PublishedFixture grader)
{
    [Fact]
    public async Task ApplyMakesTheChangedStudentsReRunTheirGrade()
    {
        var (page, preview) = await PreviewAsync("published-rejudge-apply", "rjp-apply");

        await page.GetByTestId("apply").ClickAsync();

        await Assertions.Expect(page.GetByTestId("rejudge-status")).ToHaveAttributeAsync("data-decision", "Applied");
        await Screenshots.BothWidthsAsync(page, "staff-rejudge-applied");
        var ann = preview.Rows.Single(r => r.UserId.StartsWith("ann", StringComparison.Ordinal));
        await page.GotoAsync($"{grader.BaseUrl}/staff/assignments/published-rejudge-apply/gradebook");
        await Assertions.Expect(page.Locator($"a[href='/tasks/{ann.NewTaskId}']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($"a[href='/tasks/{ann.OldTaskId}']")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task DiscardLeavesTheGradebookAsItWas()
    {
        var (page, preview) = await PreviewAsync("published-rejudge-discard", "rjp-discard");

        await page.GetByTestId("discard").ClickAsync();

        await Assertions.Expect(page.GetByTestId("rejudge-status")).ToHaveAttributeAsync("data-decision", "Discarded");
        await Assertions.Expect(page.GetByTestId("apply")).ToHaveCountAsync(0);
        await Screenshots.BothWidthsAsync(page, "staff-rejudge-discarded");
        await page.GotoAsync($"{grader.BaseUrl}/staff/assignments/published-rejudge-discard/rejudges");
        await Assertions.Expect(page.GetByTestId("rejudge-history")).ToContainTextAsync("Discarded");
        await Screenshots.BothWidthsAsync(page, "staff-rejudge-history");
        await page.GotoAsync($"{grader.BaseUrl}/staff/assignments/published-rejudge-discard/gradebook");
        foreach (var row in preview.Rows)
        {
            await Assertions.Expect(page.Locator($"a[href='/tasks/{row.OldTaskId}']")).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator($"a[href='/tasks/{row.NewTaskId}']")).ToHaveCountAsync(0);
        }
    }

    /// <summary>Two students graded (a correct and a wrong app), the health check made stricter so only the
    /// correct app's verdict changes, and a rejudge started from the page and shown once its re-runs finished.</summary>
    private async Task<(IPage Page, RejudgePreview Preview)> PreviewAsync(string assignmentId, string name)
    {
        await DemoAssignment.StoreAsync(grader.Grains, assignmentId);
        var ann = $"ann-{name}";
        var ben = $"ben-{name}";
        await Task.WhenAll(SubmitAsync(assignmentId, ann, "correct"), SubmitAsync(assignmentId, ben, "wrong"));
        await DemoAssignment.StoreAsync(grader.Grains, assignmentId, a => a with
        {
            Scenarios = a.Scenarios.Select(s => s.Id != "health" ? s : s with
            {
                Steps = [s.Steps[0] with { Expect = s.Steps[0].Expect with { JsonBody = """{"status": "OK", "database": "#number"}""" } }],
            }).ToList(),
        });
        var (page, problems) = await grader.SignedInAsAsync(name, UserRole.Staff);

        await page.GotoAsync($"{grader.BaseUrl}/staff/assignments/{assignmentId}/rejudges");
        await page.GetByLabel("Which students").SelectOptionAsync("Assignment");
        await Screenshots.BothWidthsAsync(page, $"staff-rejudge-start-{name}");
        await page.GetByTestId("start-rejudge").ClickAsync();
        await page.WaitForURLAsync("**/staff/rejudges/*-*");
        var id = Guid.Parse(page.Url.Split('/')[^1]);
        var view = (await grader.Grains.GetGrain<IRejudgeGrain>(id).GetAsync())!;
        foreach (var entry in view.Entries)
        {
            await grader.Transitions.WaitForAsync(entry.NewTaskId, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(3));
        }

        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("rejudge-status")).ToHaveAttributeAsync("data-finished", "true");
        await Assertions.Expect(page.GetByTestId("changed-count")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator($"tr[data-user='{ann}']")).ToHaveAttributeAsync("data-changed", "true");
        await Assertions.Expect(page.Locator($"tr[data-user='{ben}']")).ToHaveAttributeAsync("data-changed", "false");
        await Assertions.Expect(page.Locator($"tr[data-user='{ann}'] mark").First).ToBeVisibleAsync();
        await Screenshots.BothWidthsAsync(page, $"staff-rejudge-preview-{name}");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        return (page, (await grader.Grains.GetGrain<IRejudgeGrain>(id).PreviewAsync())!);
    }

    private async Task SubmitAsync(string assignmentId, string user, string mode)
    {
        var request = new SubmissionRequest(user, assignmentId, grader.Image(mode), user, SubmitterRole.Student, "api", Guid.NewGuid());
        var finished = grader.Transitions.WaitForAsync(request.TaskId, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(3));
        Assert.NotNull((await grader.Grains.GetGrain<ISubmissionGrain>(SubmissionKeys.For(assignmentId, user)).SubmitAsync(request)).Task);
        Assert.Equal(GradingStatus.Completed, (await finished).Status);
    }
}
