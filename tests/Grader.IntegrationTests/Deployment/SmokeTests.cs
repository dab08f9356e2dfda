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
        // Both fields of the form are styled alike (a field the stylesheet misses keeps the browser's narrow default).
        Assert.Equal(
            await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('input[name=password]')).width"),
            await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('input[name=username]')).width"));
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
        using var http = new HttpClient();
        // Other tests share this process: what counts is what this one task added.
        var before = PrometheusText.Parse(await http.GetStringAsync(grader.Grader.MetricsUrl));
        var id = Guid.NewGuid();
        var done = grader.Transitions.WaitForAsync(id, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(2));
        await grader.Grains.GetGrain<ITaskGrain>(id).SubmitAsync(new TaskSpec($"metrics-{LocalStack.RunId}", "published-metrics", grader.Image("correct"), false));
        Assert.Equal(GradingStatus.Completed, (await done).Status);

        var text = await http.GetStringAsync(grader.Grader.MetricsUrl);
        var after = PrometheusText.Parse(text);
        double Added(string name, params (string, string)[] labels) => after.Sum(name, labels) - before.Sum(name, labels);
        Assert.True(Added("grader_tasks_submitted_total") >= 1, text);
        Assert.True(Added("grader_tasks_finished_total", ("verdict", "Completed")) >= 1, text);
        Assert.True(Added("grader_task_queue_wait_seconds_count") >= 1, text);
        foreach (var phase in new[] { "pull", "database", "start", "probe", "test", "cleanup" })
        {
            Assert.True(Added("grader_job_phase_duration_seconds_count", ("phase", phase), ("host", grader.HostName)) >= 1, $"phase {phase}:\n{text}");
            Assert.True(Added("grader_job_phase_duration_seconds_sum", ("phase", phase), ("host", grader.HostName)) > 0, $"phase {phase}:\n{text}");
        }

        // Orleans' own meters are exported too.
        Assert.Contains("orleans_", text, StringComparison.Ordinal);
    }

    /// <summary>Every kind of response carries the security headers, and static files need no sign-in:
    /// a page, a fingerprinted stylesheet and script, the anonymous health check, a refused API call
    /// and the redirect to sign-in from any other page.</summary>
    [Fact]
    public async Task EveryResponseHasTheSecurityHeadersAndStaticFilesNeedNoSignIn()
    {
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(grader.BaseUrl) };
        var signIn = await anonymous.GetStringAsync("/sign-in");
        var css = FingerprintedCssLink().Match(signIn).Groups[1].Value;
        var (user, password) = await grader.AccountAsync($"hdr-{LocalStack.RunId}", UserRole.Student);
        var page = await grader.SignedInPageAsync(user, password);
        var js = await page.Locator("script[src^='/js/']").First.GetAttributeAsync("src");
        await page.Context.CloseAsync();
        Assert.Matches(FingerprintedCss(), css);
        Assert.Matches(FingerprintedScript(), js);

        foreach (var (path, status) in new[] { ("/sign-in", 200), (css, 200), (js!, 200), ("/readyz", 200), ("/api/tasks", 401), ($"/no-such-page-{LocalStack.RunId}", 302) })
        {
            var response = await anonymous.GetAsync(path);
            Assert.True((int)response.StatusCode == status, $"{path}: {(int)response.StatusCode}, not {status}");
            var csp = string.Join(' ', response.Headers.TryGetValues("Content-Security-Policy", out var v) ? v : []);
            Assert.True(csp.Contains("script-src 'self'", StringComparison.Ordinal) && csp.Contains("frame-ancestors 'none'", StringComparison.Ordinal), $"{path}: CSP '{csp}'");
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        }

        foreach (var asset in new[] { css, js! })
        {
            var response = await anonymous.GetAsync(asset);
            Assert.Contains("immutable", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
            Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 100, asset);
        }
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
        async Task<List<string>> CookiesFromSignIn(string? forwardedProto)
        {
            using var signIn = new HttpRequestMessage(HttpMethod.Post, "/api/auth/sign-in") { Content = JsonContent.Create(new { username = user, password }) };
            if (forwardedProto is not null)
            {
                signIn.Headers.Add("X-Forwarded-Proto", forwardedProto);
            }

            var response = await http.SendAsync(signIn);
            response.EnsureSuccessStatusCode();
            var cookies = response.Headers.GetValues("Set-Cookie").ToList();
            Assert.Contains(cookies, c => c.StartsWith("grader.session=", StringComparison.Ordinal));
            Assert.All(cookies, c => Assert.Contains("httponly", c, StringComparison.OrdinalIgnoreCase));
            Assert.All(cookies, c => Assert.Matches("(?i)samesite=(lax|strict)", c));
            return cookies;
        }

        // Behind TLS (the proxy says https) every cookie is Secure; over plain HTTP none is, or it would be lost.
        Assert.All(await CookiesFromSignIn("https"), c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
        Assert.All(await CookiesFromSignIn(null), c => Assert.DoesNotContain("secure", c, StringComparison.OrdinalIgnoreCase));
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

    [GeneratedRegex(@"<link[^>]+href=""(/css/site\.[a-z0-9]+\.css)""")]
    private static partial Regex FingerprintedCssLink();

    [GeneratedRegex(@"^/js/[a-z-]+\.[a-z0-9]{6,}\.js$")]
    private static partial Regex FingerprintedScript();

    [GeneratedRegex(@"^/js/task-live\.[a-z0-9]{6,}\.js$")]
    private static partial Regex FingerprintedJs();
}
