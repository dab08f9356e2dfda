using System.Diagnostics;

namespace Grader.IntegrationTests.Failover;

/// <summary>A client's call that went out through a gateway silo which then died is not left waiting for
/// Orleans' 30 s response timeout: once the client's connection to that gateway closes, the call is
/// failed as unavailable within seconds, so the web tier's retry can take another gateway.</summary>
public sealed class GatewayLossTests : IAsyncLifetime
{
    private const int Calls = 32;
    private readonly string _database = $"grader_it_gwloss_{LocalStack.RunId}";
    private readonly string _cluster = $"it-gwloss-{LocalStack.RunId}";

    public Task InitializeAsync() => LocalStack.CreateDatabaseAsync(_database);

    public Task DisposeAsync() => LocalStack.DropDatabaseAsync(_database);

    [Fact]
    public async Task CallsOutThroughAGatewayThatDiesFailWithinSecondsNotAfterTheResponseTimeout()
    {
        var (stays, dies) = ($"gw-stays-{LocalStack.RunId}", $"gw-dies-{LocalStack.RunId}");
        await using var survivor = SiloProcess.Start(SiloSettings.For(stays, _database, _cluster));
        await using var victim = SiloProcess.Start(SiloSettings.For(dies, _database, _cluster));
        using (var first = await ClusterClient.ConnectAsync(_cluster, TimeSpan.FromSeconds(120)))
        {
            await WaitUntilAsync(async () => (await first.Grains().GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: true)).Length == 2);
        }

        // Connected once both are up, so the client spreads its calls over both gateways.
        using var client = await ClusterClient.ConnectAsync(_cluster);
        var grains = client.Grains();
        var ids = Enumerable.Range(0, Calls).Select(_ => Guid.NewGuid()).ToList();
        await Task.WhenAll(ids.Select(id => grains.GetGrain<ITaskGrain>(id).GetAsync()));

        // Frozen, the victim keeps its sockets open and swallows what is sent to it, as a silo does in
        // the moment it dies; the kill then closes them.
        victim.Freeze();
        var calls = ids.Select(id => grains.GetGrain<ITaskGrain>(id).GetAsync()).ToList();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var killed = Stopwatch.StartNew();
        victim.Kill();
        var finished = await Task.WhenAll(calls.Select(async c =>
        {
            try
            {
                await c;
                return (Seconds: killed.Elapsed.TotalSeconds, Lost: false);
            }
            catch (SiloUnavailableException e) when (e.Message.Contains("gateway connection", StringComparison.Ordinal))
            {
                return (Seconds: killed.Elapsed.TotalSeconds, Lost: true);
            }
            catch (Exception)
            {
                // Forwarded by the survivor to an activation on the victim: the silo breaks it once
                // membership declares the victim dead.
                return (Seconds: killed.Elapsed.TotalSeconds, Lost: false);
            }
        }));

        // Some of the calls went out through the victim's gateway (32 grains over two gateways), and
        // none of them waited for the response timeout.
        Assert.Contains(finished, f => f.Lost);
        Assert.All(finished, f => Assert.True(f.Seconds < 12, $"a call finished {f.Seconds:0.0} s after the kill"));
        // The same calls, repeated as the web tier repeats them, are answered by the survivor.
        await WaitUntilAsync(async () => (await Task.WhenAll(ids.Select(id => grains.GetGrain<ITaskGrain>(id).GetAsync()))).All(v => v is null));
        Assert.False(survivor.HasExited);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                // Between memberships; ask again.
            }

            Assert.True(DateTime.UtcNow < deadline, "the cluster did not settle in time");
            await Task.Delay(200);
        }
    }
}
