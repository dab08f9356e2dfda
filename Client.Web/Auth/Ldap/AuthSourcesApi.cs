using Grader.Web.Auth.Http;
using Grader.Web.Queries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grader.Web.Auth.Ldap;

/// <summary>Admins manage LDAP sources at /api/admin/auth-sources. Every save is validated: a bad
/// template, URI or role is a 400 that names the field.</summary>
public static class AuthSourcesApi
{
    public static IEndpointRouteBuilder MapAuthSourcesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin/auth-sources").RequireAuthorization(AuthSchemes.AdminPolicy);
        api.MapGet("/", ListAsync);
        api.MapGet("/{id:int}", GetAsync);
        api.MapPost("/", CreateAsync);
        api.MapPut("/{id:int}", UpdateAsync);
        api.MapDelete("/{id:int}", DeleteAsync);
        return app;
    }

    public static async Task<Ok<List<AuthSource>>> ListAsync(AuthSourceStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.ListAsync(ct));

    public static async Task<Results<Ok<AuthSource>, NotFound>> GetAsync(int id, AuthSourceStore store, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } source ? TypedResults.Ok(source) : TypedResults.NotFound();

    public static async Task<Results<Created<AuthSource>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        AuthSourceRequest request, HttpContext context, AuthSourceStore store, AuditLog audit, CancellationToken ct)
    {
        var errors = AuthSourceValidator.Validate(request, 0, out var source);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (outcome, saved) = await store.CreateAsync(source!, ct);
        if (outcome != SaveOutcome.Saved)
        {
            return NameTaken(source!.Name);
        }

        await audit.WriteAsync(context.User.Username(), "source.create", saved!.Name, $"{saved.Uri}, {(saved.IsActive ? "active" : "inactive")}, order {saved.Order}", ct);
        return TypedResults.Created($"/api/admin/auth-sources/{saved.Id}", saved);
    }

    public static async Task<Results<Ok<AuthSource>, ValidationProblem, NotFound, ProblemHttpResult>> UpdateAsync(
        int id, AuthSourceRequest request, HttpContext context, AuthSourceStore store, AuditLog audit, CancellationToken ct)
    {
        var errors = AuthSourceValidator.Validate(request, id, out var source);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (outcome, saved) = await store.UpdateAsync(source!, ct);
        if (outcome == SaveOutcome.Saved)
        {
            await audit.WriteAsync(context.User.Username(), "source.update", saved!.Name, $"{saved.Uri}, {(saved.IsActive ? "active" : "inactive")}, order {saved.Order}", ct);
        }

        return outcome switch
        {
            SaveOutcome.Saved => TypedResults.Ok(saved!),
            SaveOutcome.NotFound => TypedResults.NotFound(),
            _ => NameTaken(source!.Name),
        };
    }

    /// <summary>Users who signed in through the source keep their accounts; they can no longer sign in
    /// through it.</summary>
    public static async Task<Results<NoContent, NotFound>> DeleteAsync(int id, HttpContext context, AuthSourceStore store, AuditLog audit, CancellationToken ct)
    {
        if (!await store.DeleteAsync(id, ct))
        {
            return TypedResults.NotFound();
        }

        await audit.WriteAsync(context.User.Username(), "source.delete", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "deleted", ct);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult NameTaken(string name) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, detail: $"There is already an auth source named '{name}'.");
}
