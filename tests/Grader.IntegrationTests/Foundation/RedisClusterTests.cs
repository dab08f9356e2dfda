using Grader.Runners;
using Orleans.Runtime;
using StackExchange.Redis;

namespace Grader.IntegrationTests.Foundation;

public sealed class RedisClusterTests : IAsyncLifetime
{
    private readonly string _database = $"grader_it_cluster_{LocalStack.RunId}";
    private readonly string _cluster = $"it-cluster-{LocalStack.RunId}";

    public Task InitializeAsync() => LocalStack.CreateDatabaseAsync(_database);

    public Task DisposeAsync() => LocalStack.DropDatabaseAsync(_database);

    [Fact]
    public async Task TwoSiloProcessesOnOneRedisFormOneClusterAndServeCallsFromEitherSide()
    {
        var hostA = $"host-a-{LocalStack.RunId}";
        var hostB = $"host-b-{LocalStack.RunId}";
        await using var siloA = SiloProcess.Start(SiloSettings.For(hostA, _database, _cluster));
        await using var siloB = SiloProcess.Start(SiloSettings.For(hostB, _database, _cluster));

        using var client = await ClusterClient.ConnectAsync(_cluster);
        var grains = client.Grains();
        var management = grains.GetGrain<IManagementGrain>(0);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        string[] active = [];
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(siloA.HasExited, siloA.Output);
            Assert.False(siloB.HasExited, siloB.Output);
            active = (await management.GetDetailedHosts(onlyActive: true)).Select(h => h.SiloName).ToArray();
            if (active.Contains(hostA) && active.Contains(hostB))
            {
                break;
            }

            await Task.Delay(250);
        }

        Assert.Contains(hostA, active);
        Assert.Contains(hostB, active);
        // Each host's runner is placed on its own silo by name, whichever gateway the call enters by.
        Assert.Equal(hostA, (await grains.GetGrain<IRunnerGrain>(hostA).GetStatusAsync()).SiloName);
        Assert.Equal(hostB, (await grains.GetGrain<IRunnerGrain>(hostB).GetStatusAsync()).SiloName);
        var members = await StoredMembersAsync();
        Assert.Contains(members, m => m.Contains(hostA, StringComparison.Ordinal));
        Assert.Contains(members, m => m.Contains(hostB, StringComparison.Ordinal));
    }

    /// <summary>What Redis itself holds for this cluster: the membership really lives there.</summary>
    private async Task<List<string>> StoredMembersAsync()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(LocalStack.Get("Redis__Configuration"));
        var server = redis.GetServers()[0];
        var values = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: $"*{_cluster}*"))
        {
            var type = await redis.GetDatabase().KeyTypeAsync(key);
            if (type == RedisType.Hash)
            {
                values.AddRange((await redis.GetDatabase().HashGetAllAsync(key)).Select(e => e.Value.ToString()));
            }
        }

        return values;
    }
}
