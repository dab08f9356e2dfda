using Grader.Web.Auth.Http;
using Grader.Web.Queries;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Grader.Web.Auth.Tokens;

/// <param name="ExpiresInDays">Defaults to, and is capped at, Auth:ApiTokenMaxLifetime.</param>
public sealed record CreateApiTokenRequest(string? Name, int? ExpiresInDays = null);

/// <param name="Token">Shown once: only its hash is kept.</param>
public sealed record CreatedApiToken(ApiTokenInfo Info, string Token);

/// <summary>Staff manage their API tokens at /api/auth/tokens (admins see and revoke everyone's).
/// Tokens are made from a signed-in browser session only, so a leaked token cannot mint others.</summary>
public static class ApiTokensApi
{
    public const int MaxNameLength = 100;

    public static IEndpointRouteBuilder MapApiTokensApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/auth/tokens").RequireAuthorization(AuthSchemes.StaffPolicy);
        api.MapGet("/", ListAsync);
        api.MapPost("/", CreateAsync);
        api.MapDelete("/{id:guid}", RevokeAsync);
        return app;
    }

    /// <param name="all">Admins only: every user's tokens.</param>
    public static async Task<Ok<List<ApiTokenInfo>>> ListAsync(HttpContext context, ApiTokenStore tokens, bool all = false) =>
        TypedResults.Ok(await tokens.ListAsync(all && context.User.IsAdmin() ? null : context.User.Username(), context.RequestAborted));

    public static async Task<Results<Created<CreatedApiToken>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateApiTokenRequest request, HttpContext context, ApiTokenStore tokens, AuditLog audit, IOptions<AuthOptions> options, TimeProvider clock)
    {
        if (!context.User.UsesSessionCookie())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, detail: "API tokens are created from a signed-in session, not with another token.");
        }

        var maxDays = (int)options.Value.ApiTokenMaxLifetime.TotalDays;
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > MaxNameLength)
        {
            errors["name"] = [$"is required and at most {MaxNameLength} characters"];
        }

        if (request.ExpiresInDays is < 1 || request.ExpiresInDays > Math.Max(maxDays, 1))
        {
            errors["expiresInDays"] = [$"must be between 1 and {Math.Max(maxDays, 1)}"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var lifetime = request.ExpiresInDays is { } days ? TimeSpan.FromDays(days) : options.Value.ApiTokenMaxLifetime;
        var (info, token) = await tokens.CreateAsync(context.User.Username(), request.Name!.Trim(), clock.GetUtcNow() + lifetime, context.RequestAborted);
        await audit.WriteAsync(info.Username, "token.create", info.Id.ToString(), $"'{info.Name}', expires {info.ExpiresAt:yyyy-MM-dd}", context.RequestAborted);
        return TypedResults.Created($"/api/auth/tokens/{info.Id}", new CreatedApiToken(info, token));
    }

    /// <summary>Effective at once: the next request with the token is refused.</summary>
    public static async Task<Results<NoContent, NotFound>> RevokeAsync(Guid id, HttpContext context, ApiTokenStore tokens, AuditLog audit)
    {
        if (!await tokens.RevokeAsync(id, context.User.IsAdmin() ? null : context.User.Username(), context.RequestAborted))
        {
            return TypedResults.NotFound();
        }

        await audit.WriteAsync(context.User.Username(), "token.revoke", id.ToString(), "revoked", context.RequestAborted);
        return TypedResults.NoContent();
    }
}
