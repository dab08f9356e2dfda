using Grader.Assignments;
using Grader.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Grader.IntegrationTests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class GradebookPageTests(BrowserFixture grader)
{
    [Fact]
    public async Task StaffSeeTheGridFilterItAndOpenAStudentsTaskFromIt()
    {
        var id = $"gradebook-page-{LocalStack.RunId}";
        await DemoAssignment.StoreAsync(grader.Grains, id, a => a with { Title = "Items API (graded)", GradeRule = GradeRule.Best });
        // One real graded task, so its page opens from the grid; classmates' rows come through the read-model writer.
        var real = Guid.NewGuid();
        var finished = grader.Transitions.WaitForAsync(real, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(2));
        await grader.Grains.GetGrain<ITaskGrain>(real).SubmitAsync(new TaskSpec($"gbp-ann-{LocalStack.RunId}", id, grader.Image("correct"), false, "form"));
        Assert.Equal(GradingStatus.Completed, (await finished).Status);
        foreach (var (student, points) in new[] { ("ben", 1), ("cat", 3), ("dan", 0), ("eve", 2) })
        {
            await SeedAsync(id, $"gbp-{student}-{LocalStack.RunId}", points);
        }

        var (staff, password) = await grader.AccountAsync($"gbp-staff-{LocalStack.RunId}", UserRole.Staff);
        var page = await grader.SignedInPageAsync(staff, password);
        await page.GotoAsync("/staff/assignments");
        await page.Locator($"tr:has-text('{id}')").GetByRole(AriaRole.Link, new() { Name = "Gradebook", Exact = true }).ClickAsync();

        var grid = page.GetByTestId("gradebook");
        await Assertions.Expect(grid.Locator("tbody tr")).ToHaveCountAsync(5);
        await Assertions.Expect(grid.Locator("thead")).ToContainTextAsync("missing (private)");
        await Assertions.Expect(grid.Locator($"tr[data-user='gbp-ann-{LocalStack.RunId}']")).ToContainTextAsync("6 / 6");
        await ScreenshotsAsync(page, "gradebook-1-grid");

        await page.GetByLabel("Student").FillAsync($"gbp-ann-{LocalStack.RunId}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(grid.Locator("tbody tr")).ToHaveCountAsync(1);
        Assert.Contains($"search=gbp-ann-{LocalStack.RunId}", await page.GetByRole(AriaRole.Link, new() { Name = "CSV" }).GetAttributeAsync("href"));
        await ScreenshotsAsync(page, "gradebook-2-filtered");

        await grid.GetByRole(AriaRole.Link, new() { Name = $"Task of gbp-ann-{LocalStack.RunId}" }).ClickAsync();
        await page.WaitForURLAsync($"**/tasks/{real}");
        await Assertions.Expect(page.GetByTestId("task-status")).ToHaveTextAsync("Completed");
    }

    private async Task SeedAsync(string assignment, string user, int points)
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-10);
        var steps = new[] { ("health", 1), ("hello", 1), ("list", 2), ("create", 2) }
            .Select(s => new StepResult(0, s.Item1, 0, s.Item1, false, points >= s.Item2 ? StepOutcome.Passed : StepOutcome.Failed,
                points >= s.Item2 ? s.Item2 : 0, s.Item2, "GET /", 200, null, [], null, 1, at))
            .ToList();
        var view = new TaskView(Guid.NewGuid(), new TaskSpec(user, assignment, grader.Image("seeded"), false, "form"), GradingStatus.Completed, 0, "seed",
            at, at, at.AddSeconds(20), null, AttemptEnd.Tested, steps, [], null, null, false, steps.Sum(s => s.Points), 6, null);
        await grader.Services.GetRequiredService<TaskReadModel>().WriteAsync(view, 1);
    }

    private static async Task ScreenshotsAsync(IPage page, string name)
    {
        await page.SetViewportSizeAsync(1280, 900);
        await BrowserFixture.ScreenshotAsync(page, $"{name}-desktop");
        await page.SetViewportSizeAsync(375, 800);
        await BrowserFixture.ScreenshotAsync(page, $"{name}-375");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= 375"), "the page scrolls sideways at 375 px");
        await page.SetViewportSizeAsync(1280, 900);
    }
}
