using Grader.Web.Auth.Accounts;
using Grader.Web.Auth.Http;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Grader.Web.Auth.SignIn;

public sealed record SignInRequest(string? Username, string? Password);

/// <summary>The signed-in user as the API shows them.</summary>
public sealed record UserView(string Username, string Role, string? Email, string? FirstName, string? LastName, bool IsLocal)
{
    public static UserView Of(UserAccount user) => new(user.Username, user.Role.Name(), user.Email, user.FirstName, user.LastName, user.IsLocal);
}

/// <param name="AntiforgeryToken">Send it as X-CSRF-TOKEN with every unsafe request made with the
/// session cookie; null for API token callers, who do not need it.</param>
public sealed record SessionResponse(UserView User, string? AntiforgeryToken);

/// <summary>POST /api/auth/sign-in, POST /api/auth/sign-out, GET /api/auth/me.</summary>
public static class SignInApi
{
    public static IEndpointRouteBuilder MapSignInApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/auth");
        // A JSON body cannot be sent cross-site without a CORS preflight, which this app never grants,
        // so a hostile page cannot sign a browser in to an account of its choosing through this endpoint.
        api.MapPost("/sign-in", SignInAsync).AllowAnonymous();
        api.MapPost("/sign-out", SignOutAsync);
        api.MapGet("/me", MeAsync);
        return app;
    }

    public static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> SignInAsync(
        SignInRequest request, HttpContext context, SignInService signIn, SessionStore sessions,
        IAntiforgery antiforgery, IOptions<AuthOptions> options, TimeProvider clock)
    {
        var address = ClientAddress.Of(context);
        var result = await signIn.SignInAsync(request.Username, request.Password, address, context.RequestAborted);
        if (result is not SignInResult.Succeeded { User: var user })
        {
            return Failure(context, result);
        }

        await StartSessionAsync(context, user, sessions, options.Value, clock);
        return TypedResults.Ok(new SessionResponse(UserView.Of(user), antiforgery.GetAndStoreTokens(context).RequestToken));
    }

    public static async Task<NoContent> SignOutAsync(HttpContext context, SessionStore sessions)
    {
        if (context.User.SessionId() is { } id)
        {
            await sessions.RevokeAsync(id, context.RequestAborted);
            await context.SignOutAsync(AuthSchemes.Cookie);
        }

        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<SessionResponse>, UnauthorizedHttpResult>> MeAsync(HttpContext context, UserStore users, IAntiforgery antiforgery)
    {
        var user = await users.FindAsync(context.User.Username(), context.RequestAborted);
        if (user is null)
        {
            return TypedResults.Unauthorized();
        }

        var token = context.User.UsesSessionCookie() ? antiforgery.GetAndStoreTokens(context).RequestToken : null;
        return TypedResults.Ok(new SessionResponse(UserView.Of(user), token));
    }

    /// <summary>Records the session and issues its cookie; the request continues as the new user, so
    /// the antiforgery token made next is bound to them.</summary>
    internal static async Task StartSessionAsync(HttpContext context, UserAccount user, SessionStore sessions, AuthOptions options, TimeProvider clock)
    {
        var sessionId = await sessions.CreateAsync(user.Username, ClientAddress.Of(context), clock.GetUtcNow() - options.SessionMaxAge, context.RequestAborted);
        var principal = GraderPrincipal.ForSession(user, sessionId);
        // Not persistent: the cookie ends with the browser, which matters on shared lab machines.
        await context.SignInAsync(AuthSchemes.Cookie, principal, new AuthenticationProperties { IsPersistent = false });
        context.User = principal;
    }

    internal static ProblemHttpResult Failure(HttpContext context, SignInResult result)
    {
        switch (result)
        {
            case SignInResult.LockedOut locked:
                var seconds = (int)Math.Ceiling(locked.RetryAfter.TotalSeconds);
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many failed sign-ins",
                    detail: $"Too many failed sign-ins. Try again in {seconds} s.");
            case SignInResult.DirectoryUnavailable:
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Directory unavailable",
                    detail: "The sign-in directory is not reachable right now, so your password could not be checked. Try again later.");
            case SignInResult.AccountDisabled:
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Account disabled",
                    detail: "This account is disabled. Ask an administrator.");
            default:
                return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid credentials",
                    detail: "Invalid username or password.");
        }
    }
}
