using System.Net.Http.Headers;
using Grader.Web.Auth.Accounts;
using Grader.Web.Auth.Tokens;

namespace Grader.IntegrationTests.Auth;

/// <summary>Accounts for tests that need a signed-in caller but do not test sign-in itself.</summary>
public static class TestAccounts
{
    /// <summary>A local account of that role (made if missing) and a fresh API token for it.</summary>
    public static async Task<AuthenticationHeaderValue> ApiTokenAsync(IServiceProvider services, string username, UserRole role)
    {
        var users = services.GetRequiredService<UserStore>();
        if (await users.FindAsync(username, CancellationToken.None) is null)
        {
            var hash = services.GetRequiredService<LocalPasswords>().Hash(Guid.NewGuid().ToString("N"));
            await users.CreateLocalAsync(username, hash, role, null, null, null, CancellationToken.None);
        }

        var (_, token) = await services.GetRequiredService<ApiTokenStore>().CreateAsync(username, "integration tests", DateTimeOffset.UtcNow.AddHours(6), CancellationToken.None);
        return new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>Signs <paramref name="client"/> in (by session cookie) as a local account of that role, made if missing.</summary>
    public static async Task SignInAsync(IServiceProvider services, HttpClient client, string username, UserRole role)
    {
        var password = $"pw-{Guid.NewGuid():N}";
        var users = services.GetRequiredService<UserStore>();
        var hash = services.GetRequiredService<LocalPasswords>().Hash(password);
        if (await users.FindAsync(username, CancellationToken.None) is null)
        {
            await users.CreateLocalAsync(username, hash, role, null, null, null, CancellationToken.None);
        }
        else
        {
            await users.SetPasswordHashAsync(username, hash, CancellationToken.None);
        }

        var response = await client.PostAsJsonAsync("/api/auth/sign-in", new { username, password });
        Assert.True(response.IsSuccessStatusCode, $"sign-in of {username}: {(int)response.StatusCode}");
        // Cookie-authenticated API calls that change something carry the antiforgery token.
        var session = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", session.GetProperty("antiforgeryToken").GetString());
    }
}
