using System.Text;
using Grader.Assignments;
using Grader.Web.Auth.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grader.Web.Assignments;

/// <summary>What a stored suite holds.</summary>
public sealed record SuiteSummary(string AssignmentId, int Scenarios, decimal Points);

/// <summary>Scenario suites: store and read an assignment's suite as YAML (or JSON), convert the
/// reference system's exported rows into a suite, and the format's JSON Schema for editors.</summary>
public static class SuitesApi
{
    public const string YamlContentType = "application/yaml; charset=utf-8";

    private const int MaxSuiteBytes = SuiteLimits.MaxBytes;

    public static IEndpointRouteBuilder MapSuitesApi(this IEndpointRouteBuilder app)
    {
        // Suites hold private scenarios: staff only. The schema is public, for editors.
        app.MapPut("/api/assignments/{id}/suite", PutAsync).RequireAuthorization(AuthSchemes.StaffPolicy);
        app.MapPost("/api/assignments/{id}/suite/validate", ValidateAsync).RequireAuthorization(AuthSchemes.StaffPolicy);
        app.MapGet("/api/assignments/{id}/suite", GetAsync).RequireAuthorization(AuthSchemes.StaffPolicy);
        app.MapGet("/api/assignments/{id}/suite/public", GetPublicAsync).RequireAuthorization(AuthSchemes.StaffPolicy);
        app.MapPost("/api/suite-import/reference", ImportReferenceAsync).RequireAuthorization(AuthSchemes.StaffPolicy);
        app.MapGet("/api/suite-schema.json", GetSchemaAsync).AllowAnonymous();
        return app;
    }

    /// <param name="file">The name errors are reported under, e.g. hw1.yaml.</param>
    public static Task<Results<Ok<SuiteSummary>, NotFound, ValidationProblem>> PutAsync(string id, HttpRequest request, IGrainFactory grains,
        System.Security.Claims.ClaimsPrincipal user, string? file = null) =>
        CheckAsync(id, request, grains, file, (grain, text, name) => grain.SetSuiteAsync(text, name, user.Username()), u => u.Stored, "The suite was not stored.");

    /// <summary>The checks of <see cref="PutAsync"/> without storing anything, so a script (or
    /// <c>grader suite validate</c>) can show every error before anyone uploads.</summary>
    /// <param name="file">The name errors are reported under, e.g. hw1.yaml.</param>
    public static Task<Results<Ok<SuiteSummary>, NotFound, ValidationProblem>> ValidateAsync(string id, HttpRequest request, IGrainFactory grains,
        string? file = null) =>
        CheckAsync(id, request, grains, file, (grain, text, name) => grain.ValidateSuiteAsync(text, name), u => u.Errors.Count == 0, "The suite is not valid.");

    /// <summary>Reads the uploaded suite and hands it to the grain, which alone decides whether it is valid.</summary>
    private static async Task<Results<Ok<SuiteSummary>, NotFound, ValidationProblem>> CheckAsync(string id, HttpRequest request, IGrainFactory grains,
        string? file, Func<IAssignmentGrain, string, string, Task<SuiteUpdate>> check, Func<SuiteUpdate, bool> accepted, string refusal)
    {
        var text = await ReadTextAsync(request);
        if (text is null)
        {
            return Problem("suite", SuiteLimits.TooLarge);
        }

        var grain = grains.GetGrain<IAssignmentGrain>(id);
        if (await grain.GetAsync() is null)
        {
            return TypedResults.NotFound();
        }

        var update = await check(grain, text, string.IsNullOrWhiteSpace(file) ? $"{id}.yaml" : file);
        return accepted(update)
            ? TypedResults.Ok(new SuiteSummary(id, update.Scenarios, update.Points))
            : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["suite"] = update.Errors.ToArray() }, title: refusal);
    }

    public static async Task<Results<ContentHttpResult, NotFound>> GetAsync(string id, IGrainFactory grains) =>
        await grains.GetGrain<IAssignmentGrain>(id).GetSuiteAsync() is { } yaml
            ? TypedResults.Text(yaml, YamlContentType, Encoding.UTF8)
            : TypedResults.NotFound();

    /// <summary>The public scenarios alone, to hand to students for <c>grader test</c>.</summary>
    public static async Task<Results<ContentHttpResult, NotFound>> GetPublicAsync(string id, IGrainFactory grains) =>
        await grains.GetGrain<IAssignmentGrain>(id).GetAsync() is { } assignment
            ? TypedResults.Text(await grains.GetGrain<ISuiteFormatGrain>(0).WriteAsync(assignment.ScenariosFor(includePrivate: false).ToList()), YamlContentType, Encoding.UTF8)
            : TypedResults.NotFound();

    /// <summary>Converts rows exported from the reference system (a JSON array or a dumpdata export) into a
    /// suite; nothing is stored. The report (rows skipped, deliberate differences per row) leads the YAML
    /// as comments. <c>?compare=text</c> compares bodies as JSON text, as the reference did.</summary>
    public static async Task<Results<ContentHttpResult, ValidationProblem>> ImportReferenceAsync(HttpRequest request, IGrainFactory grains)
    {
        var text = await ReadTextAsync(request);
        if (text is null)
        {
            return Problem("rows", $"the export is larger than {MaxSuiteBytes / 1024 / 1024} MB");
        }

        var import = await grains.GetGrain<ISuiteFormatGrain>(0).ConvertReferenceRowsAsync(text, exactText: request.Query["compare"] == "text");
        return import.Yaml is null
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["rows"] = import.Errors.ToArray() }, title: "The rows were not converted.")
            : TypedResults.Text(import.Yaml, YamlContentType, Encoding.UTF8);
    }

    public static async Task<ContentHttpResult> GetSchemaAsync(IGrainFactory grains) =>
        TypedResults.Text(await grains.GetGrain<ISuiteFormatGrain>(0).SchemaAsync(), "application/schema+json", Encoding.UTF8);

    private static ValidationProblem Problem(string key, string error) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [key] = [error] });

    private static async Task<string?> ReadTextAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = new StringBuilder();
        var chunk = new char[16 * 1024];
        int read;
        while ((read = await reader.ReadAsync(chunk)) > 0)
        {
            text.Append(chunk, 0, read);
            if (text.Length > MaxSuiteBytes)
            {
                return null;
            }
        }

        return text.ToString();
    }
}
