using System.Net.Http.Headers;
using Grader.Web.Auth.Accounts;
using Grader.Web.Auth.Ldap;
using Grader.Web.Auth.SignIn;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Grader.IntegrationTests.Auth;

/// <summary>One grader (web tier with its embedded silo) on its own state database, with small lockout
/// thresholds and short LDAP timeouts so lockouts and dead directories can be seen in seconds. Every
/// client gets its own client address, so one test's failures never lock another test out.</summary>
public sealed class AuthFixture : IAsyncLifetime
{
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan LdapTimeout = TimeSpan.FromSeconds(2);
    public const int MaxFailuresPerAccount = 3;
    public const int MaxFailuresPerAddress = 6;

    private static int _addresses;
    private WebApplicationFactory<Program>? _web;

    public string StateDatabase { get; } = $"grader_it_auth_{LocalStack.RunId}";

    public IServiceProvider Services => _web!.Services;

    public T Service<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public async Task InitializeAsync()
    {
        await LocalStack.CreateDatabaseAsync(StateDatabase);
        var settings = SiloSettings.For($"auth-{LocalStack.RunId}", StateDatabase, $"it-auth-{LocalStack.RunId}", new Dictionary<string, string?>
        {
            ["Auth:MaxFailuresPerAccount"] = MaxFailuresPerAccount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Auth:MaxFailuresPerAddress"] = MaxFailuresPerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Auth:FailureWindow"] = "00:05:00",
            ["Auth:LockoutDuration"] = LockoutDuration.ToString("c"),
            ["Auth:LdapConnectTimeout"] = LdapTimeout.ToString("c"),
            ["Auth:LdapOperationTimeout"] = LdapTimeout.ToString("c"),
        });
        _web = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }

            web.ConfigureServices(s => s.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, TestClientAddress.Filter>());
        });
        var ready = await Client().GetAsync("/readyz");
        Assert.True(ready.IsSuccessStatusCode, await ready.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        if (_web is not null)
        {
            await _web.DisposeAsync();
        }

        await LocalStack.DropDatabaseAsync(StateDatabase);
    }

    /// <summary>An anonymous client with its own client address, keeping cookies unless told not to.</summary>
    public HttpClient Client(string? baseAddress = null, bool handleCookies = true)
    {
        var client = _web!.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            HandleCookies = handleCookies,
            BaseAddress = new Uri(baseAddress ?? "http://localhost"),
        });
        var n = Interlocked.Increment(ref _addresses);
        client.DefaultRequestHeaders.Add(TestClientAddress.Header, $"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}");
        return client;
    }

    public async Task CreateLocalUserAsync(string username, string password, UserRole role)
    {
        var hash = Service<LocalPasswords>().Hash(password);
        Assert.True(await Service<UserStore>().CreateLocalAsync(username, hash, role, null, null, null, CancellationToken.None), $"{username} exists");
    }

    /// <summary>A client signed in with a session cookie, holding its antiforgery token.</summary>
    public async Task<HttpClient> SignedInAsync(string username, string password)
    {
        var client = Client();
        var response = await client.PostAsJsonAsync("/api/auth/sign-in", new { username, password });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"sign-in of {username}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var session = await response.Content.ReadFromJsonAsync<SessionResponse>(GraderFixture.Json);
        client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", session!.AntiforgeryToken);
        return client;
    }

    /// <summary>Signs in and returns the raw Cookie header (session and antiforgery cookies) and the
    /// antiforgery token, for tests that replay or strip them.</summary>
    public async Task<(string Cookie, string AntiforgeryToken)> RawSessionAsync(string username, string password)
    {
        var response = await SignInAsync(Client(handleCookies: false), username, password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookies = response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]);
        var session = await response.Content.ReadFromJsonAsync<SessionResponse>(GraderFixture.Json);
        return (string.Join("; ", cookies), session!.AntiforgeryToken!);
    }

    /// <summary>A client that sends exactly this Cookie header, as a browser (or a thief) would.</summary>
    public HttpClient ClientWithCookie(string cookie)
    {
        var client = Client(handleCookies: false);
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    /// <summary>A new local user of that role, signed in.</summary>
    public async Task<HttpClient> NewUserAsync(string username, UserRole role)
    {
        var password = $"pw-{Guid.NewGuid():N}";
        await CreateLocalUserAsync(username, password, role);
        return await SignedInAsync(username, password);
    }

    public static Task<HttpResponseMessage> SignInAsync(HttpClient client, string username, string password) =>
        client.PostAsJsonAsync("/api/auth/sign-in", new { username, password });

    /// <summary>Adds a source through the admin API, checks it was accepted, and returns it.</summary>
    public async Task<AuthSource> AddSourceAsync(HttpClient admin, AuthSourceRequest request)
    {
        var response = await admin.PostAsJsonAsync("/api/admin/auth-sources", request, GraderFixture.Json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AuthSource>(GraderFixture.Json))!;
    }

    /// <summary>Removes every source, so the next test starts from none.</summary>
    public async Task RemoveSourcesAsync()
    {
        var store = Service<AuthSourceStore>();
        foreach (var source in await store.ListAsync(CancellationToken.None))
        {
            await store.DeleteAsync(source.Id, CancellationToken.None);
        }
    }

    public static async Task<string> ProblemDetailAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("detail").GetString()!;
    }

    public static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);
}

[CollectionDefinition(Name)]
public sealed class AuthCollection : ICollectionFixture<AuthFixture>
{
    public const string Name = "auth";
}
