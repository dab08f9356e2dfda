using Grader.IntegrationTests.Browser;
using Microsoft.Playwright;

namespace Grader.IntegrationTests.Deployment;

/// <summary>The published Production build, started as infra/run.sh starts it, plus headless Chromium.
/// Its members mirror <see cref="BrowserFixture"/>'s, so a browser test moves to the deployed form by
/// taking this fixture (<c>[Collection(PublishedCollection.Name)]</c> and a <c>PublishedFixture</c>
/// parameter) instead. Trusts 127.0.0.1 as a reverse proxy, as the nginx example does.</summary>
public sealed class PublishedFixture : IAsyncLifetime
{
    private PublishedGrader? _grader;
    private IPlaywright? _playwright;

    public PublishedGrader Grader => _grader!;

    public string HostName => Grader.HostName;

    public string BaseUrl => Grader.BaseUrl;

    public IBrowser Browser { get; private set; } = null!;

    public IGrainFactory Grains => Grader.Grains;

    /// <summary>Task changes seen from outside the process, through a grain observer.</summary>
    public RemoteTransitions Transitions => new(Grains);

    public string Image(string mode) => $"{LocalStack.Get("GRADER_REGISTRY")}/students/app:{mode}";

    public async Task InitializeAsync()
    {
        LocalStack.RunScript("infra/images/build.sh");
        _grader = await PublishedGrader.StartAsync("published", new Dictionary<string, string?> { ["Web:KnownProxies:0"] = "127.0.0.1" });
        await _grader.ConnectClientAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        Directory.CreateDirectory(BrowserFixture.ScreenshotDirectory);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_grader is not null)
        {
            await _grader.DisposeAsync();
        }
    }

    public Task<(string Username, string Password)> AccountAsync(string username, UserRole role) => Grader.AccountAsync(username, role);

    /// <summary>A fresh browser context (its own cookies) signed in through the sign-in form.</summary>
    public async Task<IPage> SignedInPageAsync(string username, string password)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.WaitForURLAsync("**/sign-in**");
        await page.GetByLabel("Username").FillAsync(username);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/sign-in", StringComparison.Ordinal));
        return page;
    }

    /// <summary>A page signed in as a new account named after the test (unique per run), with the browser's
    /// console errors collected: a CSP refusal or a failing script shows up there.</summary>
    public async Task<(IPage Page, List<string> Problems)> SignedInAsAsync(string name, UserRole role)
    {
        var (username, password) = await AccountAsync($"{name}-{LocalStack.RunId}", role);
        var page = await SignedInPageAsync(username, password);
        return (page, ConsoleErrors(page));
    }

    /// <summary>The console errors the page logs from now on.</summary>
    public static List<string> ConsoleErrors(IPage page)
    {
        var problems = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                problems.Add(m.Text);
            }
        };
        return problems;
    }

    public static Task<Guid> SubmitAsync(IPage page, string assignmentId, string image, string screenshot) =>
        BrowserFixture.SubmitAsync(page, assignmentId, image, screenshot);

    public static Task ScreenshotAsync(IPage page, string name) => BrowserFixture.ScreenshotAsync(page, name);
}

[CollectionDefinition(Name)]
public sealed class PublishedCollection : ICollectionFixture<PublishedFixture>
{
    public const string Name = "published";
}
