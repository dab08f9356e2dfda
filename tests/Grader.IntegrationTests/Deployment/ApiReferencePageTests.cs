using Grader.IntegrationTests.Browser;
using Microsoft.Playwright;

namespace Grader.IntegrationTests.Deployment;

/// <summary>Issue 14's API documentation: the bundled reference in the published Production build
/// renders every operation with its summary and both sign-in schemes, under the CSP, with no error.</summary>
[Collection(PublishedCollection.Name)]
public sealed class ApiReferencePageTests(PublishedFixture grader)
{
    [Fact]
    public async Task TheBundledReferenceShowsEveryOperationWithItsSummaryUnderTheCsp()
    {
        var (page, problems) = await grader.SignedInAsAsync("api-docs", UserRole.Staff);
        page.PageError += (_, e) => problems.Add(e);

        await page.GetByRole(AriaRole.Link, new() { Name = "API", Exact = true }).ClickAsync();
        var operations = page.GetByTestId("api-operation");
        await Assertions.Expect(operations.First).ToBeVisibleAsync();
        var summaries = await page.GetByTestId("api-summary").AllInnerTextsAsync();

        Assert.True(summaries.Count >= 30, $"{summaries.Count} operations shown");
        Assert.All(summaries, s => Assert.False(string.IsNullOrWhiteSpace(s)));
        await Assertions.Expect(operations.Filter(new() { HasText = "/api/tasks/{id}/events" })).ToContainTextAsync("Server-sent events");
        await Assertions.Expect(page.GetByTestId("api-schemes")).ToContainTextAsync("bearer");
        await Assertions.Expect(page.GetByTestId("api-schemes")).ToContainTextAsync("grader.session");
        // The Orleans dashboard's own routes (/dashboard/...) are not part of the API.
        Assert.All(await operations.Locator("h3 code").AllInnerTextsAsync(), path => Assert.StartsWith("/api/", path, StringComparison.Ordinal));
        await Screenshots.BothWidthsAsync(page, "staff-api-reference");
        Assert.Empty(problems);
    }
}
