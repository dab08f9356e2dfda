using Microsoft.Playwright;

namespace Grader.IntegrationTests.Browser;

/// <summary>Whatever a student's app returns is shown as text: in the diff, the response and the logs.</summary>
[Collection(BrowserCollection.Name)]
public sealed class XssTests(BrowserFixture grader)
{
    [Fact]
    public async Task ScriptAndImagePayloadsFromAStudentAppNeverRun()
    {
        await DemoAssignment.StoreAsync(grader.Grains, "browser-xss", a => a with
        {
            Scenarios = a.Scenarios.Where(s => s.Id is "health" or "hello").ToList(),
        });
        var (user, password) = await grader.AccountAsync($"xss-{LocalStack.RunId}", UserRole.Student);
        var page = await grader.SignedInPageAsync(user, password);
        var dialogs = 0;
        page.Dialog += async (_, dialog) =>
        {
            dialogs++;
            await dialog.DismissAsync();
        };

        await BrowserFixture.SubmitAsync(page, "browser-xss", grader.Image("xss"), "xss-submit");
        await Assertions.Expect(page.GetByTestId("task-status")).ToHaveTextAsync("Completed", new() { Timeout = 120_000 });

        // Open everything that shows the app's output, then look for any sign that it ran.
        foreach (var details in await page.Locator("details").AllAsync())
        {
            await details.EvaluateAsync("d => d.open = true");
        }

        await page.GetByTestId("logs").Locator("summary").ScrollIntoViewIfNeededAsync();
        await BrowserFixture.ScreenshotAsync(page, "xss-task-page");
        await Assertions.Expect(page.GetByTestId("diff").First).ToContainTextAsync("<script>");
        await Assertions.Expect(page.GetByTestId("logs")).ToContainTextAsync("<img src=x onerror=alert(1)>");
        Assert.Equal(0, dialogs);
        Assert.True(await page.EvaluateAsync<bool>("typeof window.__xss === 'undefined'"));
        Assert.Equal(0, await page.Locator("main img").CountAsync());
        Assert.Equal(0, await page.Locator("main script").CountAsync());
    }
}
