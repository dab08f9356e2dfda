using Microsoft.Playwright;

namespace Grader.IntegrationTests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class StaffJourneyTests(BrowserFixture grader)
{
    private const string SuiteWithAnError = """
        version: 1
        scenarios:
          - id: hello
            title: Greets the configured NAME
            visibility: public
            requets:
              method: GET
              path: /v1/hello
        """;

    private const string FixedSuite = """
        version: 1
        scenarios:
          - id: hello
            title: Greets the configured NAME
            visibility: public
            steps:
              - request: { method: GET, path: /v1/hello }
                expect: { status: 200, body: { greeting: "Hello, Arthur!" } }
          - id: hidden-health
            title: Health check (private)
            visibility: private
            steps:
              - request: { method: GET, path: /v1/health }
                expect: { status: 200, body: { status: OK, database: "#string" } }
        """;

    [Fact]
    public async Task StaffSeesSuiteErrorsInlineFixesThemDryRunsAndSeesPrivateStepDetail()
    {
        await DemoAssignment.StoreAsync(grader.Grains, "browser-staff");
        var (user, password) = await grader.AccountAsync($"sta-{LocalStack.RunId}", UserRole.Staff);
        var page = await grader.SignedInPageAsync(user, password);

        await page.GotoAsync("/staff/assignments/browser-staff/suite");
        await page.GetByLabel("…or edit it here").FillAsync(SuiteWithAnError);
        await page.GetByRole(AriaRole.Button, new() { Name = "Review changes" }).ClickAsync();
        var errors = page.GetByTestId("suite-errors");
        await Assertions.Expect(errors).ToContainTextAsync("The suite was not stored.");
        await Assertions.Expect(errors).ToContainTextAsync("browser-staff.yaml:6:");
        await BrowserFixture.ScreenshotAsync(page, "staff-1-suite-error");

        await page.GetByLabel("…or edit it here").FillAsync(FixedSuite);
        await page.GetByRole(AriaRole.Button, new() { Name = "Review changes" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save suite" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("Suite stored: 2 scenarios");
        await BrowserFixture.ScreenshotAsync(page, "staff-2-suite-stored");

        await page.GetByLabel("Reference image").FillAsync(grader.Image("correct"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await page.WaitForURLAsync("**/tasks/*");
        await Assertions.Expect(page.GetByTestId("task-status")).ToHaveTextAsync("Completed", new() { Timeout = 120_000 });
        var hidden = page.Locator("[data-testid=step][data-key='hidden-health/0']");
        await Assertions.Expect(hidden).ToHaveAttributeAsync("data-outcome", "Passed");
        await hidden.Locator("summary").ClickAsync();
        await Assertions.Expect(hidden).ToContainTextAsync("GET /v1/health");
        await Assertions.Expect(hidden.GetByTestId("response")).ToContainTextAsync("\"status\":\"OK\"");
        await BrowserFixture.ScreenshotAsync(page, "staff-3-dry-run");

        await page.GotoAsync("/staff/hosts");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync(grader.HostName);
        await BrowserFixture.ScreenshotAsync(page, "staff-4-hosts");
        // Drained for maintenance from the page, then back in service; resumed whatever happens, for the next tests.
        var row = page.GetByTestId($"host-{grader.HostName}");
        try
        {
            await row.GetByRole(AriaRole.Button, new() { Name = "Drain" }).ClickAsync();
            await Assertions.Expect(row.GetByTestId("host-state")).ToHaveTextAsync("drained");
            await row.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
            await Assertions.Expect(row.GetByTestId("host-state")).ToHaveTextAsync("active");
        }
        finally
        {
            await grader.Grains.GetGrain<Grader.Runners.IRunnerGrain>(grader.HostName).ResumeAsync();
        }

        var dashboard = await page.GotoAsync("/dashboard");
        Assert.Equal(200, dashboard!.Status);
    }
}
