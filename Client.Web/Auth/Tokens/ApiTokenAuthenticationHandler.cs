using System.Text.Encodings.Web;
using Grader.Web.Auth.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Grader.Web.Auth.Tokens;

/// <summary><c>Authorization: Bearer grader_…</c> for staff scripts. The token must be live and its
/// owner active and still staff; the role comes from the owner's current record.</summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiTokenStore tokens,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!ApiTokenSecret.TryRead(Request, out var token))
        {
            return AuthenticateResult.NoResult();
        }

        var found = await tokens.FindOwnerAsync(token, clock.GetUtcNow(), Context.RequestAborted);
        if (found is not { User: { IsActive: true, Role: >= UserRole.Staff } user, TokenId: var tokenId })
        {
            return AuthenticateResult.Fail("The API token is unknown, expired or revoked, or its owner may no longer use one.");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(GraderPrincipal.ForToken(user, tokenId), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = ApiTokenSecret.TryRead(Request, out _) ? "Bearer error=\"invalid_token\"" : "Bearer";
        return Task.CompletedTask;
    }
}
