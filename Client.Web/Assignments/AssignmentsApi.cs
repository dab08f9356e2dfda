using System.Security.Claims;
using Grader.Assignments;
using Grader.Web.Auth.Http;
using Grader.Database;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Grader.Web.Assignments;

public static class AssignmentsApi
{
    public static IEndpointRouteBuilder MapAssignmentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/assignments");
        api.MapGet("/{id}", GetAsync);
        api.MapPut("/{id}", PutAsync).RequireAuthorization(AuthSchemes.StaffPolicy);
        return app;
    }

    /// <summary>Students see the public scenarios only.</summary>
    public static async Task<Results<Ok<AssignmentDefinition>, NotFound>> GetAsync(string id, ClaimsPrincipal user, IGrainFactory grains) =>
        await grains.GetGrain<IAssignmentGrain>(id).GetAsync() is { } definition ? TypedResults.Ok(user.VisiblePart(definition)) : TypedResults.NotFound();

    public static async Task<Results<Ok<AssignmentDefinition>, ValidationProblem>> PutAsync(string id, AssignmentDefinition definition, IGrainFactory grains,
        IOptions<DatabaseOptions> database)
    {
        var errors = AssignmentValidator.Validate(definition, database.Value.Name).ToList();
        if (definition.Id != id)
        {
            errors.Add($"id '{definition.Id}' in the body differs from '{id}' in the URL");
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["assignment"] = errors.ToArray() });
        }

        await grains.GetGrain<IAssignmentGrain>(id).SetAsync(definition);
        return TypedResults.Ok(definition);
    }
}
