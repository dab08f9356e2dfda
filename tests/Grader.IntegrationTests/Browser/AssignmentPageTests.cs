using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Grader.IntegrationTests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class AssignmentPageTests(BrowserFixture grader)
{
    private const string Description = """
        # Items API

        Build **GET /v1/items** and keep your data in PostgreSQL.

        <script>window.__ran = 1</script>
        <img src="x" onerror="window.__ran = 2">

        [Read the rules](javascript:window.__ran=3) or [the handbook](https://example.org/handbook).
        """;

    // 03:00 UTC is 12:00 in Tokyo (no daylight saving there), so the localised text is known exactly.
    private static readonly DateTimeOffset ClosesAt = new(2031, 1, 15, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task StudentReadsTheAssignmentInTheirTimeZoneSubmitsFromItAndSeesTheirScores()
    {
        var id = $"page-{LocalStack.RunId}";
        await DemoAssignment.StoreAsync(grader.Grains, id, a => a with
        {
            Title = "Items API",
            Description = Description,
            OpensAt = DateTimeOffset.UtcNow.AddDays(-1),
            ClosesAt = ClosesAt,
        });
        await DemoAssignment.StoreAsync(grader.Grains, $"page-old-{LocalStack.RunId}", a => a with { Title = "Last year's", Archived = true });
        var (user, password) = await grader.AccountAsync($"pia-{LocalStack.RunId}", UserRole.Student);
        var page = await SignedInAsync(user, password);
        var refusedByPolicy = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                refusedByPolicy.Add(message.Text);
            }
        };

        await page.GotoAsync("/assignments");
        var list = page.GetByTestId("assignment-list");
        await Assertions.Expect(list).ToContainTextAsync("Items API");
        await Assertions.Expect(list).Not.ToContainTextAsync("Last year's");
        var archived = await page.GotoAsync($"/assignments/page-old-{LocalStack.RunId}");
        Assert.Equal(404, archived!.Status);

        await page.GotoAsync($"/assignments/{id}");
        var facts = page.GetByTestId("assignment-facts");
        await Assertions.Expect(facts.Locator("time").Last).ToHaveTextAsync(new Regex(@"Jan 15, 2031.*12:00\s?PM.*GMT\+9"));
        Assert.Equal("2031-01-15T03:00:00.0000000Z", await facts.Locator("time").Last.GetAttributeAsync("datetime"));
        await Assertions.Expect(facts).ToContainTextAsync("8 (6 in the scenarios you can see)");
        await Assertions.Expect(page.GetByTestId("best-score")).ToHaveTextAsync("No graded submission yet");
        await Assertions.Expect(page.GetByTestId("hidden-count")).ToContainTextAsync("2 hidden scenarios worth 2 points");
        var description = page.GetByTestId("description");
        await Assertions.Expect(description.Locator("h1")).ToHaveTextAsync("Items API");
        await Assertions.Expect(description.Locator("strong")).ToHaveTextAsync("GET /v1/items");
        // The raw HTML is text on the page, the javascript: link goes nowhere, and nothing ran.
        await Assertions.Expect(description).ToContainTextAsync("<script>window.__ran = 1</script>");
        Assert.Equal(0, await description.Locator("script, img").CountAsync());
        Assert.Equal("#blocked", await description.GetByRole(AriaRole.Link, new() { Name = "Read the rules" }).GetAttributeAsync("href"));
        Assert.Equal("https://example.org/handbook", await description.GetByRole(AriaRole.Link, new() { Name = "the handbook" }).GetAttributeAsync("href"));
        Assert.True(await page.EvaluateAsync<bool>("window.__ran === undefined"));
        await ScreenshotsAsync(page, "assignment-1-before");

        await page.GetByLabel("Docker image").FillAsync(grader.Image("correct"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Test my image" }).ClickAsync();
        await page.WaitForURLAsync("**/tasks/*", new() { Timeout = 90_000 });
        var taskId = Guid.Parse(page.Url.Split('/')[^1]);
        await Assertions.Expect(page.GetByTestId("task-status")).ToHaveTextAsync(new Regex("Completed|Failed"), new() { Timeout = 120_000 });

        await page.GotoAsync($"/assignments/{id}");
        await Assertions.Expect(page.GetByTestId("best-score")).ToHaveTextAsync("6 / 6");
        await Assertions.Expect(page.GetByTestId("latest-score")).ToHaveTextAsync("6 / 6");
        Assert.Equal($"/tasks/{taskId}", await page.GetByTestId("latest-score").Locator("a").GetAttributeAsync("href"));
        Assert.Equal(grader.Image("correct"), await page.GetByLabel("Docker image").InputValueAsync());
        await ScreenshotsAsync(page, "assignment-2-after");
        Assert.Empty(refusedByPolicy);
    }

    /// <summary>Signed in through the form, in a browser that lives in Tokyo.</summary>
    private async Task<IPage> SignedInAsync(string username, string password)
    {
        var context = await grader.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = grader.BaseUrl,
            TimezoneId = "Asia/Tokyo",
            Locale = "en-US",
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByLabel("Username").FillAsync(username);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/sign-in", StringComparison.Ordinal));
        return page;
    }

    /// <summary>At desktop width and at 375 px, and nothing is wider than the phone's screen.</summary>
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
