using System.Reflection;
using Grader.Queue;
using Grader.Runners;

namespace Grader.Web.Status;

/// <summary>Runners answer with their status; hosts the queue knows whose silo is gone (or that do not
/// answer) are listed as unreachable, with since when, until the registry forgets them.</summary>
public sealed record StatusResponse(int QueueLength, string Version, IReadOnlyList<RunnerStatus> Runners, IReadOnlyList<RunnerRegistration> Unreachable);

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
        var queue = grains.GetGrain<ITaskQueueGrain>(0);
        var runners = new List<RunnerStatus>();
        var unreachable = new List<RunnerRegistration>();
        foreach (var host in await queue.GetRunnersAsync())
        {
            if (host.Liveness != RunnerLiveness.Active)
            {
                unreachable.Add(host);
                continue;
            }

            try
            {
                // A host that is dying but not yet declared dead must not hold the page for the call timeout.
                runners.Add(await grains.GetGrain<IRunnerGrain>(host.Host).GetStatusAsync().WaitAsync(TimeSpan.FromSeconds(5)));
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                unreachable.Add(host with { Liveness = RunnerLiveness.Unreachable, UnreachableSince = DateTimeOffset.UtcNow });
            }
        }

        return new StatusResponse(await queue.GetLengthAsync(), Version, runners, unreachable);
    }
}
