using Grader.IntegrationTests.Browser;
using Grader.IntegrationTests.Staff;
using Microsoft.Playwright;

namespace Grader.IntegrationTests.Deployment;

/// <summary>Issue 14's charts and scaling lists in the published Production build: every chart is a real
/// canvas drawn by the bundled Chart.js with data read back from it and inked pixels, each has its text
/// alternative, nothing breaks the CSP, and list filters fold away at 375 px.</summary>
[Collection(PublishedCollection.Name)]
public sealed class ChartsPageTests(PublishedFixture grader)
{
    private static readonly string[] Charts = ["submissions", "verdicts", "scenarios", "scores", "latency", "slots"];

    [Fact]
    public async Task EveryChartIsDrawnWithDataAndHasATextAlternative()
    {
        var assignment = $"published-charts-{LocalStack.RunId}";
        // Stored, so the filter offers it; its tasks are written straight into the read model.
        await DemoAssignment.StoreAsync(grader.Grains, assignment);
        await ChartRows.InsertKnownSetAsync(grader.Grader.StateDatabase, assignment);
        var (page, problems) = await grader.SignedInAsAsync("charts-staff", UserRole.Staff);

        await page.GetByRole(AriaRole.Link, new() { Name = "Charts" }).ClickAsync();
        await page.GetByLabel("Assignment", new() { Exact = true }).SelectOptionAsync(assignment);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await page.WaitForURLAsync($"**assignmentId={assignment}**");

        foreach (var chart in Charts)
        {
            var canvas = page.Locator($"#chart-{chart}");
            await Assertions.Expect(canvas).ToHaveAttributeAsync("data-drawn", "true");
            Assert.Equal("img", await canvas.GetAttributeAsync("role"));
            Assert.False(string.IsNullOrWhiteSpace(await canvas.GetAttributeAsync("aria-label")));
            // What Chart.js itself holds, and what it actually painted.
            var points = await canvas.EvaluateAsync<int>("c => Chart.getChart(c).data.datasets.reduce((n, d) => n + d.data.filter(v => v !== null).length, 0)");
            Assert.True(points > 0, $"{chart} has no data points");
            var inked = await canvas.EvaluateAsync<int>("c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n; }");
            Assert.True(inked > 100, $"{chart} painted only {inked} pixels");
        }

        var submitted = await DataOfAsync(page, "submissions", "d => [d.data.datasets[0].data.reduce((a, b) => a + b, 0)]");
        var verdicts = await DataOfAsync(page, "verdicts", "d => d.data.datasets.map(s => s.data[0])");
        var scores = await DataOfAsync(page, "scores", "d => d.data.datasets[0].data");
        Assert.Equal([4], submitted);
        Assert.Equal([3, 1], verdicts);
        Assert.Equal([1, 0, 0, 0, 0, 1, 0, 0, 0, 1], scores);
        Assert.Equal(["orders", "login"], await page.Locator("#chart-scenarios").EvaluateAsync<string[]>("c => Chart.getChart(c).data.labels.map(l => l.split(' / ')[1])"));
        await Assertions.Expect(page.Locator("#chart-scores")).ToHaveAttributeAsync("aria-label", "3 completed tasks; most (1) scored 0–10 % of the maximum.");
        await Assertions.Expect(page.Locator("section.chart details table")).ToHaveCountAsync(Charts.Length);
        await Screenshots.BothWidthsAsync(page, "staff-charts");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task ListFiltersFoldAwayOnAPhoneAndStayOpenOnADesktop()
    {
        var (page, _) = await grader.SignedInAsAsync("lists-staff", UserRole.Staff);
        foreach (var path in new[] { "/tasks", "/staff/evaluations/past", "/staff/charts" })
        {
            await page.SetViewportSizeAsync(375, 800);
            await page.GotoAsync(path);
            var filters = page.Locator("details[data-fold]");
            Assert.False(await filters.EvaluateAsync<bool>("d => d.open"), $"{path}: the filters are open at 375 px");
            Assert.False(await page.GetByRole(AriaRole.Button, new() { Name = path == "/staff/charts" ? "Show" : "Filter" }).IsVisibleAsync());
            await Screenshots.BothWidthsAsync(page, $"staff-list-folded{path.Replace('/', '-')}");
            await page.SetViewportSizeAsync(1280, 800);
            await page.GotoAsync(path);
            Assert.True(await page.Locator("details[data-fold]").EvaluateAsync<bool>("d => d.open"), $"{path}: the filters are folded on a desktop");
        }
    }

    private static async Task<int[]> DataOfAsync(IPage page, string chart, string read) =>
        await page.Locator($"#chart-{chart}").EvaluateAsync<int[]>($"c => ({read})(Chart.getChart(c))");

}
