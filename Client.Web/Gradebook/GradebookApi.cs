using System.Text;
using Grader.Web.Auth.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grader.Web.Gradebook;

/// <summary>The gradebook for staff scripts, as JSON and as CSV, with the page's filters.</summary>
public static class GradebookApi
{
    public static IServiceCollection AddGradebook(this IServiceCollection services)
    {
        services.AddSingleton<GradebookQueries>();
        services.AddSingleton<GradebookService>();
        return services;
    }

    public static IEndpointRouteBuilder MapGradebookApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/assignments/{id}").RequireAuthorization(AuthSchemes.StaffPolicy);
        api.MapGet("/gradebook", GetAsync);
        api.MapGet("/gradebook.csv", CsvAsync);
        return app;
    }

    public static async Task<Results<Ok<GradebookGrid>, NotFound>> GetAsync(string id, string? search, string? status, GradebookService gradebook,
        CancellationToken ct) =>
        await gradebook.BuildAsync(id, new GradebookFilter(search, status), ct) is { } grid ? TypedResults.Ok(grid) : TypedResults.NotFound();

    public static async Task<Results<FileContentHttpResult, NotFound>> CsvAsync(string id, string? search, string? status, GradebookService gradebook,
        CancellationToken ct) =>
        await gradebook.BuildAsync(id, new GradebookFilter(search, status), ct) is { } grid
            ? TypedResults.File(Encoding.UTF8.GetBytes(GradebookCsv.Write(grid)), "text/csv", $"gradebook-{id}.csv")
            : TypedResults.NotFound();
}
