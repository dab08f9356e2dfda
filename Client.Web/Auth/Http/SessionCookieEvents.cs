using Grader.Web.Auth.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Grader.Web.Auth.Http;

/// <summary>Checks the session behind every cookie against the database (signed out? user disabled?)
/// and refreshes the role from there. API calls get 401/403 instead of redirects to pages.</summary>
public sealed class SessionCookieEvents(SessionStore sessions, IOptions<AuthOptions> options, TimeProvider clock) : CookieAuthenticationEvents
{
    public static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/openapi");

    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var user = context.Principal?.SessionId() is { } id
            ? await sessions.FindUserAsync(id, clock.GetUtcNow() - options.Value.SessionMaxAge, context.HttpContext.RequestAborted)
            : null;
        if (user is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(AuthSchemes.Cookie);
            return;
        }

        context.ReplacePrincipal(GraderPrincipal.ForSession(user, context.Principal!.SessionId()!.Value));
    }

    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context) =>
        IsApi(context.Request) ? Status(context, StatusCodes.Status401Unauthorized) : base.RedirectToLogin(context);

    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context) =>
        Status(context, StatusCodes.Status403Forbidden);

    private static Task Status(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}
