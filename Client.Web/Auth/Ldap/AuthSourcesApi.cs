using Grader.Web.Auth.Http;
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
        AuthSourceRequest request, AuthSourceStore store, CancellationToken ct)
    {
        var errors = AuthSourceValidator.Validate(request, 0, out var source);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (outcome, saved) = await store.CreateAsync(source!, ct);
        return outcome == SaveOutcome.Saved
            ? TypedResults.Created($"/api/admin/auth-sources/{saved!.Id}", saved)
            : NameTaken(source!.Name);
    }

    public static async Task<Results<Ok<AuthSource>, ValidationProblem, NotFound, ProblemHttpResult>> UpdateAsync(
        int id, AuthSourceRequest request, AuthSourceStore store, CancellationToken ct)
    {
        var errors = AuthSourceValidator.Validate(request, id, out var source);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (outcome, saved) = await store.UpdateAsync(source!, ct);
        return outcome switch
        {
            SaveOutcome.Saved => TypedResults.Ok(saved!),
            SaveOutcome.NotFound => TypedResults.NotFound(),
            _ => NameTaken(source!.Name),
        };
    }

    /// <summary>Users who signed in through the source keep their accounts; they can no longer sign in
    /// through it.</summary>
    public static async Task<Results<NoContent, NotFound>> DeleteAsync(int id, AuthSourceStore store, CancellationToken ct) =>
        await store.DeleteAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static ProblemHttpResult NameTaken(string name) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, detail: $"There is already an auth source named '{name}'.");
}
