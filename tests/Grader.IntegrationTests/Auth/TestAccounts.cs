using System.Net.Http.Headers;
using Grader.Web.Auth;
using Grader.Web.Auth.Accounts;
using Grader.Web.Auth.Tokens;
using Microsoft.Extensions.DependencyInjection;

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
}
