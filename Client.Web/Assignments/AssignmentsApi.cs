using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grader.Assignments;
using Grader.Web.Auth.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Grader.Web.Assignments;

/// <summary>Assignments: create or replace one whole (PUT), change some settings (PATCH, the suite left
/// alone), and who changed what. The suite has its own endpoints (<see cref="SuitesApi"/>). The rules are
/// the assignment grain's; these only translate.</summary>
public static class AssignmentsApi
{
    /// <summary>The settings a PATCH may name, by their JSON names.</summary>
    private static readonly string[] Settings =
    [
        "title", "databaseMode", "database", "schemas", "environment", "port", "healthPath", "startupTimeoutSeconds",
        "requestTimeoutSeconds", "limits", "opensAt", "closesAt", "supersedePending", "gradeRule", "description", "archived",
        "releaseHiddenAfterClose",
    ];

    public static IEndpointRouteBuilder MapAssignmentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/assignments");
        api.MapGet("/{id}", GetAsync);
        api.MapPut("/{id}", PutAsync).RequireAuthorization(AuthSchemes.StaffPolicy);
        api.MapPatch("/{id}", PatchAsync).RequireAuthorization(AuthSchemes.StaffPolicy).Accepts<JsonObject>("application/merge-patch+json", "application/json");
        api.MapGet("/{id}/changes", ChangesAsync).RequireAuthorization(AuthSchemes.StaffPolicy);
        return app;
    }

    /// <summary>Students see the public scenarios only.</summary>
    public static async Task<Results<Ok<AssignmentDefinition>, NotFound>> GetAsync(string id, ClaimsPrincipal user, IGrainFactory grains) =>
        await grains.GetGrain<IAssignmentGrain>(id).GetAsync() is { } definition ? TypedResults.Ok(user.VisiblePart(definition)) : TypedResults.NotFound();

    /// <summary>The whole assignment, scenarios included; to change settings only, PATCH.</summary>
    public static async Task<Results<Ok<AssignmentDefinition>, ValidationProblem>> PutAsync(string id, AssignmentDefinition definition, IGrainFactory grains,
        ClaimsPrincipal user)
    {
        var update = await grains.GetGrain<IAssignmentGrain>(id).SetAsync(definition, user.Username());
        return update.Stored ? TypedResults.Ok(definition) : Problem(update.Errors);
    }

    /// <summary>A JSON merge patch (RFC 7396) of the settings: members left out stay as they are, a member set
    /// to null is cleared. The suite is never touched.</summary>
    public static async Task<Results<Ok<AssignmentDefinition>, NotFound, ValidationProblem>> PatchAsync(string id, HttpRequest request, IGrainFactory grains,
        ClaimsPrincipal user, IOptions<JsonOptions> json)
    {
        JsonObject? body;
        AssignmentSettingsPatch? patch;
        try
        {
            body = await JsonNode.ParseAsync(request.Body) as JsonObject;
            patch = body?.Deserialize<AssignmentSettingsPatch>(json.Value.SerializerOptions);
        }
        catch (JsonException e)
        {
            return Problem([$"the body is not a settings object: {e.Message}"]);
        }

        if (body is null || patch is null)
        {
            return Problem(["the body must be a JSON object of settings"]);
        }

        var unknown = body.Select(m => m.Key).Where(k => !Settings.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            return Problem(unknown.Select(k => k is "scenarios" ? "scenarios are changed through PUT /api/assignments/{id}/suite" : $"'{k}' is not a setting"));
        }

        var grain = grains.GetGrain<IAssignmentGrain>(id);
        if (await grain.GetAsync() is null)
        {
            return TypedResults.NotFound();
        }

        var cleared = body.Where(m => m.Value is null).Select(m => m.Key).ToList();
        var update = await grain.ChangeSettingsAsync(patch with { Clear = cleared }, user.Username());
        return update.Stored ? TypedResults.Ok(update.Definition!) : Problem(update.Errors);
    }

    public static async Task<Results<Ok<IReadOnlyList<AssignmentChangeRecord>>, NotFound>> ChangesAsync(string id, IGrainFactory grains)
    {
        var grain = grains.GetGrain<IAssignmentGrain>(id);
        return await grain.GetAsync() is null ? TypedResults.NotFound() : TypedResults.Ok(await grain.GetChangesAsync());
    }

    private static ValidationProblem Problem(IEnumerable<string> errors) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["assignment"] = errors.ToArray() });
}
