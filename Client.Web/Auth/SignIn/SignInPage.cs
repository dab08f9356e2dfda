using System.Text.Encodings.Web;
using Grader.Web.Auth.Http;
using Grader.Web.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Grader.Web.Auth.SignIn;

/// <summary>A minimal sign-in form at /sign-in, where pages send anonymous visitors. The form post is
/// antiforgery-checked (UseAntiforgery checks every endpoint that binds a form).</summary>
public static class SignInPage
{
    public static IEndpointRouteBuilder MapSignInPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sign-in", Show).AllowAnonymous();
        app.MapPost("/sign-in", SubmitAsync).AllowAnonymous();
        app.MapPost("/sign-out", SignOutAsync);
        return app;
    }

    public static IResult Show(HttpContext context, IAntiforgery antiforgery, string? returnUrl) =>
        Page(context, antiforgery, returnUrl, error: null, StatusCodes.Status200OK);

    public static async Task<IResult> SubmitAsync(
        [FromForm] string? username, [FromForm] string? password, [FromForm] string? returnUrl,
        HttpContext context, SignInService signIn, SessionStore sessions, IAntiforgery antiforgery, IOptions<AuthOptions> options, TimeProvider clock)
    {
        var result = await signIn.SignInAsync(username, password, ClientAddress.Of(context), context.RequestAborted);
        if (result is not SignInResult.Succeeded { User: var user })
        {
            var problem = SignInApi.Failure(context, result);
            return Page(context, antiforgery, returnUrl, problem.ProblemDetails.Detail, problem.StatusCode);
        }

        await SignInApi.StartSessionAsync(context, user, sessions, options.Value, clock);
        // Only a path on this site: an open redirect would make the sign-in page a phishing aid.
        var target = returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) ? returnUrl : "/";
        return Results.LocalRedirect(target);
    }

    /// <summary>The pages' sign-out button: ends the session, then back to the sign-in form.</summary>
    public static async Task<IResult> SignOutAsync(HttpContext context, SessionStore sessions)
    {
        await SignInApi.SignOutAsync(context, sessions);
        return Results.LocalRedirect("/sign-in");
    }

    private static IResult Page(HttpContext context, IAntiforgery antiforgery, string? returnUrl, string? error, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var html = HtmlEncoder.Default;
        var body = $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Sign in · Grader</title><link rel="stylesheet" href="{html.Encode(context.RequestServices.GetRequiredService<StaticAssetUrls>().For("css/site.css"))}"></head>
            <body>
            <header class="site"><a class="brand" href="/">Grader</a></header>
            <main id="content">
            <h1>Sign in</h1>
            <p class="hint">Use your university account, or a local account if staff gave you one.</p>
            {(error is null ? "" : $"<p class=\"errors\" role=\"alert\">{html.Encode(error)}</p>")}
            <form method="post" action="/sign-in" class="stack">
              <input type="hidden" name="{html.Encode(tokens.FormFieldName)}" value="{html.Encode(tokens.RequestToken ?? "")}">
              <input type="hidden" name="returnUrl" value="{html.Encode(returnUrl ?? "")}">
              <label>Username <input name="username" type="text" autocomplete="username" required></label>
              <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
              <button type="submit">Sign in</button>
            </form>
            </main>
            </body></html>
            """;
        return Results.Content(body, "text/html; charset=utf-8", statusCode: status);
    }
}
