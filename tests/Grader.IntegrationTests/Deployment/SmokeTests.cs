using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Grader.IntegrationTests.Deployment;

/// <summary>The deployed form, in Chromium: the published Production build as run.sh starts it.</summary>
[Collection(PublishedCollection.Name)]
public sealed partial class SmokeTests(PublishedFixture grader)
{
    private const string CountLoads = "window.__loads = (window.__loads || 0) + 1;";

    [Fact]
    public async Task SignInPageIsStyledFromAFingerprintedStylesheetWithTheSecurityHeaders()
    {
        var context = await grader.Browser.NewContextAsync(new() { BaseURL = grader.BaseUrl });
        var page = await context.NewPageAsync();
        var problems = CollectProblems(page);
        var stylesheets = new List<IResponse>();
        page.Response += (_, r) =>
        {
            if (r.Request.ResourceType == "stylesheet")
            {
                stylesheets.Add(r);
            }
        };

        var response = await page.GotoAsync("/");
        await page.WaitForURLAsync("**/sign-in**");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await PublishedFixture.ScreenshotAsync(page, "published-1-sign-in");

        // The stylesheet is applied, not just served: these values come only from site.css.
        Assert.Equal("flex", await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('header.site')).display"));
        Assert.Equal("1152px", await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('main')).maxWidth"));
        var css = Assert.Single(stylesheets);
        Assert.Equal(200, css.Status);
        Assert.Matches(FingerprintedCss(), new Uri(css.Url).AbsolutePath);
        Assert.Contains("immutable", (await css.AllHeadersAsync())["cache-control"], StringComparison.Ordinal);

        var headers = await (await page.GotoAsync("/sign-in"))!.AllHeadersAsync();
        Assert.Contains("script-src 'self'", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Equal("nosniff", headers["x-content-type-options"]);
        Assert.Equal("same-origin", headers["referrer-policy"]);
        Assert.NotNull(response);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task ASubmissionsPageUpdatesLiveToItsFinalVerdictWithoutAReload()
    {
        await DemoAssignment.StoreAsync(grader.Grains, "published-live");
        var (user, password) = await grader.AccountAsync($"pub-{LocalStack.RunId}", UserRole.Student);
        var page = await grader.SignedInPageAsync(user, password);
        var problems = CollectProblems(page);
        await page.AddInitScriptAsync(CountLoads);

        var taskId = await PublishedFixture.SubmitAsync(page, "published-live", grader.Image("correct"), "published-2-submit");
        var script = page.Locator("script[src*='task-live']");
        Assert.Matches(FingerprintedJs(), await script.GetAttributeAsync("src"));

        await Assertions.Expect(page.GetByTestId("task-status")).ToHaveTextAsync("Completed", new() { Timeout = 120_000 });
        await PublishedFixture.ScreenshotAsync(page, "published-3-completed");
        Assert.Equal(1, await page.EvaluateAsync<int>("window.__loads"));
        var view = (await grader.Grains.GetGrain<ITaskGrain>(taskId).GetAsync())!;
        Assert.Equal(GradingStatus.Completed, view.Status);
        Assert.True(view.MaxScore > 0);
        Assert.Equal(view.MaxScore, view.Score);
        Assert.Equal(view.Steps.Count, await page.Locator("[data-testid=step][data-outcome=Passed]").CountAsync());
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task AfterAGradedTaskTheMetricsShowTaskCountersAndPhaseHistograms()
    {
        await DemoAssignment.StoreAsync(grader.Grains, "published-metrics");
        var id = Guid.NewGuid();
        var done = grader.Transitions.WaitForAsync(id, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(2));
        await grader.Grains.GetGrain<ITaskGrain>(id).SubmitAsync(new TaskSpec($"metrics-{LocalStack.RunId}", "published-metrics", grader.Image("correct"), false));
        Assert.Equal(GradingStatus.Completed, (await done).Status);

        using var http = new HttpClient();
        var text = await http.GetStringAsync(grader.Grader.MetricsUrl);
        var metrics = PrometheusText.Parse(text);
        Assert.True(metrics.Sum("grader_tasks_submitted_total") >= 1, text);
        Assert.True(metrics.Sum("grader_tasks_finished_total", ("verdict", "Completed")) >= 1, text);
        Assert.True(metrics.Sum("grader_task_queue_wait_seconds_count") >= 1, text);
        foreach (var phase in new[] { "pull", "database", "start", "probe", "test", "cleanup" })
        {
            Assert.True(metrics.Sum("grader_job_phase_duration_seconds_count", ("phase", phase), ("host", grader.HostName)) >= 1, $"phase {phase}:\n{text}");
            Assert.True(metrics.Sum("grader_job_phase_duration_seconds_sum", ("phase", phase)) > 0, $"phase {phase}:\n{text}");
        }

        // Orleans' own meters are exported too.
        Assert.Contains("orleans_", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BehindTheKnownProxyLockoutCountsTheForwardedAddressAndCookiesAreSecure()
    {
        using var http = new HttpClient { BaseAddress = new Uri(grader.BaseUrl) };
        async Task<HttpStatusCode> FailFrom(string address, string username)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/sign-in")
            {
                Content = JsonContent.Create(new { username, password = "not-the-password" }),
            };
            request.Headers.Add("X-Forwarded-For", address);
            return (await http.SendAsync(request)).StatusCode;
        }

        // Documentation addresses (RFC 5737): only header values, nothing is sent there.
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await FailFrom("203.0.113.7", $"nobody-{i}-{LocalStack.RunId}"));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await FailFrom("203.0.113.7", $"nobody-x-{LocalStack.RunId}"));
        Assert.Equal(HttpStatusCode.Unauthorized, await FailFrom("198.51.100.9", $"nobody-y-{LocalStack.RunId}"));

        var (user, password) = await grader.AccountAsync($"tls-{LocalStack.RunId}", UserRole.Student);
        using var signIn = new HttpRequestMessage(HttpMethod.Post, "/api/auth/sign-in") { Content = JsonContent.Create(new { username = user, password }) };
        signIn.Headers.Add("X-Forwarded-Proto", "https");
        var response = await http.SendAsync(signIn);
        response.EnsureSuccessStatusCode();
        var session = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("grader.session=", StringComparison.Ordinal));
        Assert.Contains("secure", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", session, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Console errors and uncaught page errors, e.g. a script the CSP blocked or a 404.</summary>
    private static List<string> CollectProblems(IPage page)
    {
        var problems = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                problems.Add($"console: {m.Text}");
            }
        };
        page.PageError += (_, e) => problems.Add($"page error: {e}");
        // The console's "failed to load resource" does not say which: the response does.
        page.Response += (_, r) =>
        {
            if (r.Status >= 400)
            {
                problems.Add($"http {r.Status}: {r.Url}");
            }
        };
        return problems;
    }

    [GeneratedRegex(@"^/css/site\.[a-z0-9]{6,}\.css$")]
    private static partial Regex FingerprintedCss();

    [GeneratedRegex(@"^/js/task-live\.[a-z0-9]{6,}\.js$")]
    private static partial Regex FingerprintedJs();
}
