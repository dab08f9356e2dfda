using System.Reflection;
using Grader.Queue;
using Grader.Runners;

namespace Grader.Web.Status;

public sealed record StatusResponse(int QueueLength, string Version, IReadOnlyList<RunnerStatus> Runners);

public static class StatusApi
{
    private static readonly string Version =
        typeof(StatusApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The reference system's <c>/api/v1/status</c>, plus each host's runner. Public, as it was there.</summary>
    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/status", GetAsync).AllowAnonymous();
        app.MapGet("/api/status", GetAsync).AllowAnonymous();
        app.MapHostsApi();
        return app;
    }

    public static async Task<StatusResponse> GetAsync(IGrainFactory grains)
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: true);
        var runners = new List<RunnerStatus>();
        foreach (var host in hosts)
        {
            try
            {
                // A host that is dying but not yet declared dead must not hold the page for the call timeout.
                runners.Add(await grains.GetGrain<IRunnerGrain>(host.SiloName).GetStatusAsync().WaitAsync(TimeSpan.FromSeconds(5)));
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                runners.Add(new RunnerStatus(host.SiloName, host.SiloName, 0, [], RunnerState.Unreachable));
            }
        }

        return new StatusResponse(await grains.GetGrain<ITaskQueueGrain>(0).GetLengthAsync(), Version, runners);
    }
}
