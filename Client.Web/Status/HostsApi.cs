using Grader.Runners;
using Grader.Web.Auth.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grader.Web.Status;

/// <summary>Operators take a host out of service and back: a draining host takes no new work, finishes
/// what runs, then shows as drained.</summary>
public static class HostsApi
{
    public static IEndpointRouteBuilder MapHostsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/hosts").RequireAuthorization(AuthSchemes.StaffPolicy);
        api.MapPost("/{host}/drain", DrainAsync);
        api.MapPost("/{host}/resume", ResumeAsync);
        return app;
    }

    public static Task<Results<Ok<RunnerStatus>, ProblemHttpResult>> DrainAsync(string host, IGrainFactory grains) =>
        OnHostAsync(host, grains, r => r.DrainAsync());

    public static Task<Results<Ok<RunnerStatus>, ProblemHttpResult>> ResumeAsync(string host, IGrainFactory grains) =>
        OnHostAsync(host, grains, r => r.ResumeAsync());

    /// <summary>Only a host that is in the cluster now: a runner grain for any other name could not be placed.</summary>
    private static async Task<Results<Ok<RunnerStatus>, ProblemHttpResult>> OnHostAsync(
        string host, IGrainFactory grains, Func<IRunnerGrain, Task<RunnerStatus>> action)
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: true);
        if (!hosts.Any(h => h.SiloName == host))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"No active host is named '{host}'.");
        }

        return TypedResults.Ok(await action(grains.GetGrain<IRunnerGrain>(host)));
    }
}
