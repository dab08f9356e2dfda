using Grader.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Grader.IntegrationTests.Infrastructure;

/// <summary>A real grader silo in the test process, wired exactly as production (AddGraderSilo).</summary>
public sealed class InProcessSilo : IAsyncDisposable
{
    private InProcessSilo(IHost host) => Host = host;

    public IHost Host { get; }

    public IGrainFactory Grains => Host.Services.GetRequiredService<IGrainFactory>();

    public T Service<T>()
        where T : notnull => Host.Services.GetRequiredService<T>();

    /// <param name="services">Test-only additions, such as a fault seam.</param>
    public static async Task<InProcessSilo> StartAsync(IDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddGraderSilo();
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new InProcessSilo(host);
    }

    public async Task StopAsync() => await Host.StopAsync(TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            Host.Dispose();
        }
    }
}
