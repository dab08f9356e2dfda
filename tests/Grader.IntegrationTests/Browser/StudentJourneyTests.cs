using Microsoft.Playwright;

namespace Grader.IntegrationTests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class StudentJourneyTests(BrowserFixture grader)
{
    /// <summary>Records, in the page itself, when each step's verdict first appears; set up before any
    /// script of the page runs, so no update is missed.</summary>
    private const string RecordStepArrivals = """
        window.__loadedOnce = (window.__loadedOnce || 0) + 1;
        window.__stepSeen = {};
        new MutationObserver(() => {
          document.querySelectorAll('[data-testid=step]').forEach(s => {
            if (!(s.dataset.key in window.__stepSeen)) window.__stepSeen[s.dataset.key] = Date.now();
          });
        }).observe(document, { childList: true, subtree: true });
        """;

    [Fact]
    public async Task StudentSubmitsWatchesStepsArriveLiveOpensADiffAndFindsTheTaskInHistory()
    {
        await DemoAssignment.StoreAsync(grader.Grains, "browser-student");
        var (user, password) = await grader.AccountAsync($"ann-{LocalStack.RunId}", UserRole.Student);
        var page = await grader.SignedInPageAsync(user, password);
        await page.AddInitScriptAsync(RecordStepArrivals);

        var taskId = await BrowserFixture.SubmitAsync(page, "browser-student", grader.Image("wrong"), "student-1-submit");

        var status = page.GetByTestId("task-status");
        await Assertions.Expect(status).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("Completed|Failed"), new() { Timeout = 120_000 });
        await BrowserFixture.ScreenshotAsync(page, "student-2-finished");

        // Everything arrived without a reload: the page was loaded once.
        Assert.Equal(1, await page.EvaluateAsync<int>("window.__loadedOnce"));
        var steps = page.GetByTestId("step");
        Assert.Equal(4, await steps.CountAsync());
        Assert.True(await page.Locator("[data-testid=step][data-outcome=Passed]").CountAsync() >= 1);
        Assert.True(await page.Locator("[data-testid=step][data-outcome=Failed]").CountAsync() >= 1);

        // Each verdict was on the page within 1 s of the runner reporting it.
        var view = (await grader.Grains.GetGrain<ITaskGrain>(taskId).GetAsync())!;
        var seen = await page.EvaluateAsync<Dictionary<string, double>>("window.__stepSeen");
        foreach (var step in view.Steps)
        {
            var shownAt = DateTimeOffset.FromUnixTimeMilliseconds((long)seen[$"{step.ScenarioId}/{step.StepIndex}"]);
            Assert.InRange((shownAt - step.ReportedAt).TotalMilliseconds, -100, 1000);
        }

        var health = page.Locator("[data-testid=step][data-key='health/0']");
        await health.Locator("summary").ClickAsync(new() { Force = true });
        var diff = health.GetByTestId("diff");
        await Assertions.Expect(diff).ToContainTextAsync("$.status");
        await Assertions.Expect(diff).ToContainTextAsync("\"DOWN\"");
        await BrowserFixture.ScreenshotAsync(page, "student-3-diff");

        // A finished task offers a re-run, not a cancel; the re-run is a new task of the same student.
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Run again" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/tasks/", StringComparison.Ordinal) && !url.EndsWith(taskId.ToString(), StringComparison.Ordinal));
        await Assertions.Expect(page.GetByTestId("task-status")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("Completed|Failed"), new() { Timeout = 120_000 });

        await page.GotoAsync("/tasks");
        await Assertions.Expect(page.Locator($"a[href='/tasks/{taskId}']")).ToBeVisibleAsync();
        Assert.Equal(2, await page.GetByTestId("task-list").Locator("tbody tr").CountAsync());
        await BrowserFixture.ScreenshotAsync(page, "student-4-history");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync("**/sign-in");
    }

    [Fact]
    public async Task PagesRefuseAnonymousVisitorsAndStudentsCannotOpenAnotherStudentsTask()
    {
        await DemoAssignment.StoreAsync(grader.Grains, "browser-privacy");
        var (owner, _) = await grader.AccountAsync($"own-{LocalStack.RunId}", UserRole.Student);
        var (other, otherPassword) = await grader.AccountAsync($"oth-{LocalStack.RunId}", UserRole.Student);
        var id = Guid.NewGuid();
        var done = grader.Transitions.WaitForAsync(id, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(2));
        await grader.Grains.GetGrain<ITaskGrain>(id).SubmitAsync(new TaskSpec(owner, "browser-privacy", grader.Image("correct"), false));
        await done;

        var anonymous = await (await grader.Browser.NewContextAsync(new() { BaseURL = grader.BaseUrl })).NewPageAsync();
        foreach (var path in new[] { "/", "/tasks", $"/tasks/{id}", "/staff/assignments" })
        {
            await anonymous.GotoAsync(path);
            Assert.Contains("/sign-in", anonymous.Url, StringComparison.Ordinal);
        }

        var api = await anonymous.APIRequest.GetAsync($"/api/tasks/{id}");
        Assert.Equal(401, api.Status);

        var page = await grader.SignedInPageAsync(other, otherPassword);
        var response = await page.GotoAsync($"/tasks/{id}");
        Assert.Equal(404, response!.Status);
        foreach (var staffOnly in new[] { "/staff/assignments", "/staff/hosts", "/dashboard" })
        {
            var refused = await page.GotoAsync(staffOnly);
            Assert.Equal(403, refused!.Status);
        }
    }
}
