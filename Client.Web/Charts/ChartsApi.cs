using Grader.Web.Auth.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Grader.Web.Charts;

/// <summary>The staff charts' data, one endpoint per chart, each taking <c>assignmentId</c> (optional) and
/// <c>days</c> (1–365, default 30). The charts page draws from these and shows the same numbers as tables.</summary>
public static class ChartsApi
{
    public static IServiceCollection AddCharts(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ChartQueries>();
        return services;
    }

    public static IEndpointRouteBuilder MapChartsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/charts").RequireAuthorization(AuthSchemes.StaffPolicy);
        api.MapGet("/submissions", SubmissionsAsync);
        api.MapGet("/verdicts", VerdictsAsync);
        api.MapGet("/scenarios", ScenariosAsync);
        api.MapGet("/scores", ScoresAsync);
        api.MapGet("/latency", LatencyAsync);
        api.MapGet("/slots", SlotsAsync);
        return app;
    }

    public static Task<IReadOnlyList<DailyCount>> SubmissionsAsync(string? assignmentId, int? days, ChartQueries queries, CancellationToken ct) =>
        queries.SubmissionsAsync(ChartFilter.Of(assignmentId, days), ct);

    public static Task<VerdictsChart> VerdictsAsync(string? assignmentId, int? days, ChartQueries queries, CancellationToken ct) =>
        queries.VerdictsAsync(ChartFilter.Of(assignmentId, days), ct);

    public static Task<IReadOnlyList<ScenarioPassRate>> ScenariosAsync(string? assignmentId, int? days, ChartQueries queries, CancellationToken ct) =>
        queries.ScenariosAsync(ChartFilter.Of(assignmentId, days), ct);

    public static Task<IReadOnlyList<ScoreBucket>> ScoresAsync(string? assignmentId, int? days, ChartQueries queries, CancellationToken ct) =>
        queries.ScoresAsync(ChartFilter.Of(assignmentId, days), ct);

    public static Task<List<LatencyDay>> LatencyAsync(string? assignmentId, int? days, ChartQueries queries, CancellationToken ct) =>
        queries.LatencyAsync(ChartFilter.Of(assignmentId, days), ct);

    public static Task<IReadOnlyList<HostSlots>> SlotsAsync(int? days, ChartQueries queries, CancellationToken ct) =>
        queries.SlotsAsync(ChartFilter.Of(null, days), ct);
}
