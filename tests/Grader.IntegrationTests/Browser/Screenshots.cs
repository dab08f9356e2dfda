using Microsoft.Playwright;

namespace Grader.IntegrationTests.Browser;

/// <summary>Every staff screen is saved at desktop width and at a 375 px phone width.</summary>
public static class Screenshots
{
    public static async Task BothWidthsAsync(IPage page, string name)
    {
        var before = page.ViewportSize;
        foreach (var (width, suffix) in new[] { (1280, "desktop"), (375, "375px") })
        {
            await page.SetViewportSizeAsync(width, 800);
            await BrowserFixture.ScreenshotAsync(page, $"{name}-{suffix}");
        }

        if (before is not null)
        {
            await page.SetViewportSizeAsync(before.Width, before.Height);
        }
    }
}
