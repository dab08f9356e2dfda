using Grader.Web.Auth.Accounts;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Playwright;

namespace Grader.IntegrationTests.Browser;

/// <summary>The grader on a real port with its embedded silo, and headless Debian Chromium driven by
/// Playwright. Screenshots go to artifacts/screenshots.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private WebApplicationFactory<Program>? _web;
    private IPlaywright? _playwright;

    public string HostName { get; } = $"browser-{LocalStack.RunId}";

    public string StateDatabase { get; } = $"grader_it_browser_{LocalStack.RunId}";

    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    public IServiceProvider Services => _web!.Services;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public TaskTransitions Transitions => Services.GetRequiredService<TaskTransitions>();

    public static string ScreenshotDirectory { get; } = Path.Combine(LocalStack.RepoRoot, "artifacts", "screenshots");

    public string Image(string mode) => $"{LocalStack.Get("GRADER_REGISTRY")}/students/app:{mode}";

    public async Task InitializeAsync()
    {
        LocalStack.RunScript("infra/images/build.sh");
        await LocalStack.CreateDatabaseAsync(StateDatabase);
        var port = FreePort.Next();
        BaseUrl = $"http://127.0.0.1:{port}";
        var settings = SiloSettings.For(HostName, StateDatabase, $"it-browser-{LocalStack.RunId}", new Dictionary<string, string?> { ["Docker:Slots"] = "4" });
        _web = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }

            web.UseSetting("urls", BaseUrl);
        });
        _web.UseKestrel(port);
        _web.StartServer();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_web is not null)
        {
            await _web.DisposeAsync();
        }

        await LocalStack.DropDatabaseAsync(StateDatabase);
    }

    /// <summary>A local account with a known password (made if missing).</summary>
    public async Task<(string Username, string Password)> AccountAsync(string username, UserRole role)
    {
        var password = $"pw-{username}-{LocalStack.RunId}";
        var users = Services.GetRequiredService<UserStore>();
        if (await users.FindAsync(username, CancellationToken.None) is null)
        {
            var hash = Services.GetRequiredService<LocalPasswords>().Hash(password);
            await users.CreateLocalAsync(username, hash, role, null, null, null, CancellationToken.None);
        }

        return (username, password);
    }

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

    /// <summary>Fills and sends the submit form, and returns the new task's id from the page it lands on.
    /// If no task page comes, the failure says what the form showed instead.</summary>
    public static async Task<Guid> SubmitAsync(IPage page, string assignmentId, string image, string screenshot)
    {
        await page.GotoAsync($"/?assignment={assignmentId}");
        await page.GetByLabel("Docker image").FillAsync(image);
        await ScreenshotAsync(page, screenshot);
        await page.GetByRole(AriaRole.Button, new() { Name = "Test my image" }).ClickAsync();
        try
        {
            // The task page's address is all this needs; its load event once failed to come in 90 s although
            // the page had rendered whole (the closing note of the third pass), and what follows waits itself.
            await page.WaitForURLAsync("**/tasks/*", new() { Timeout = 90_000, WaitUntil = WaitUntilState.Commit });
        }
        catch (TimeoutException)
        {
            await ScreenshotAsync(page, screenshot + "-no-task");
            throw new InvalidOperationException($"The submit form did not lead to a task page; it shows: {await page.Locator("main").InnerTextAsync()}");
        }

        return Guid.Parse(page.Url.Split('/')[^1]);
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, $"{name}.png"), FullPage = true });
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
