using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Grader.Silo.Hosting;

/// <summary>
/// An Orleans client (the web tier in cluster mode) sends each call through one gateway silo. A call
/// written to a gateway's connection just as that silo dies is lost with it, and the client, which keeps
/// no record of which connection carried a call, waits out the whole response timeout (30 s) for it
/// (dotnet/orleans#10165). The silos break such calls when membership declares a silo dead; a client
/// does not. So: when one of the client's gateway connections closes, every call that was already out
/// gets <see cref="Grace"/> to finish (a call through a live gateway does), and one that does not is
/// failed as unavailable, which callers treat as "outcome unknown, try again": our grain calls are
/// idempotent, and the web tier retries them.
/// </summary>
public static class GatewayLoss
{
    /// <summary>Far above a healthy call's latency (submit p99 under a 200-client burst is about 0.6 s).</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    /// <summary>How often the client re-reads the gateway list from membership. A gateway that dies
    /// without closing its connections (a frozen or unplugged machine) is dropped, and its connection
    /// closed, at the first refresh after membership declared it dead; Orleans' default is a minute.</summary>
    public static readonly TimeSpan GatewayListRefresh = TimeSpan.FromSeconds(5);

    public static IClientBuilder FailCallsOnGatewayLoss(this IClientBuilder client)
    {
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = GatewayListRefresh);
        client.Services.AddSingleton<GatewayConnections>();
        client.Services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<GatewayConnections>());
        client.AddOutgoingGrainCallFilter<GatewayLossFilter>();
        return client;
    }
}

/// <summary>Completes <see cref="Closed"/> each time a gateway connection closes, and starts a new one.</summary>
internal sealed partial class GatewayConnections(ILogger<GatewayConnections> logger) : IClusterConnectionStatusObserver
{
    private TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next close after this was read.</summary>
    public Task Closed => Volatile.Read(ref _closed).Task;

    public void NotifyClusterConnectionLost() => OnClosed(0);

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (currentNumberOfGateways < previousNumberOfGateways)
        {
            OnClosed(currentNumberOfGateways);
        }
    }

    private void OnClosed(int left)
    {
        Interlocked.Exchange(ref _closed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        LogClosed(logger, left, GatewayLoss.Grace);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A gateway connection closed ({Left} left); calls already out get {Grace} to finish before they are failed as unavailable")]
    private static partial void LogClosed(ILogger logger, int left, TimeSpan grace);
}

internal sealed class GatewayLossFilter(GatewayConnections connections) : IOutgoingGrainCallFilter
{
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        var closed = connections.Closed;
        var call = context.Invoke();
        if (await Task.WhenAny(call, closed) != call && await Task.WhenAny(call, Task.Delay(GatewayLoss.Grace)) != call)
        {
            // Observed here, so a late failure of the abandoned call is not reported as unobserved.
            _ = call.ContinueWith(t => t.Exception, TaskScheduler.Default);
            throw new SiloUnavailableException(
                $"The gateway connection that may have carried {context.InterfaceName}.{context.MethodName} closed, and no answer came within {GatewayLoss.Grace.TotalSeconds:0} s; its outcome is unknown.");
        }

        await call;
    }
}
