using Grader.Silo.Hosting;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Grader.IntegrationTests.Infrastructure;

/// <summary>An Orleans client that finds the cluster's gateways through Redis, as the web tier does in
/// cluster mode.</summary>
public static class ClusterClient
{
    public static async Task<IHost> ConnectAsync(string clusterId, TimeSpan? patience = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, clusterId));
            client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(LocalStack.Get("Redis__Configuration")));
            client.FailCallsOnGatewayLoss();
        });
        var host = builder.Build();
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                await host.StartAsync();
                return host;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                // No gateway registered yet: the silos are still starting.
                await Task.Delay(500);
            }
        }
    }

    public static IClusterClient Grains(this IHost host) => host.Services.GetRequiredService<IClusterClient>();
}
