using Microsoft.AspNetCore.Antiforgery;

namespace Grader.Web.Auth.Http;

/// <summary>A browser sends the session cookie with any request, including one a hostile page makes;
/// so every unsafe request that a session cookie authenticates must also carry the antiforgery token
/// (header X-CSRF-TOKEN, from /api/auth/me or the sign-in response). Requests authenticated by an API
/// token are exempt: a hostile page cannot make the browser send one. Form posts are checked by
/// UseAntiforgery, signed in or not.</summary>
public sealed class CookieAntiforgeryMiddleware(RequestDelegate next, IAntiforgery antiforgery)
{
    public const string HeaderName = "X-CSRF-TOKEN";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.User.UsesSessionCookie() && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            && !HttpMethods.IsOptions(context.Request.Method) && !HttpMethods.IsTrace(context.Request.Method)
            && !await antiforgery.IsRequestValidAsync(context))
        {
            await Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Antiforgery token missing or invalid",
                detail: $"Send the token from GET /api/auth/me in the {HeaderName} header.").ExecuteAsync(context);
            return;
        }

        await next(context);
    }
}
