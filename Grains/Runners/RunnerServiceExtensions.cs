using Grader.Configuration;
using Grader.Database;
using Grader.Sandbox;
using Grader.Sandbox.Clones;
using Grader.Sandbox.Docker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Grader.Runners;

public static class RunnerServiceExtensions
{
    /// <summary>Everything a host's runner needs to drive its local Docker engine and PostgreSQL sandboxes.
    /// Reads and checks the <c>Docker</c> and <c>Database</c> sections at once.</summary>
    public static IServiceCollection AddDockerRunner(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(GradingServices)))
        {
            return services;
        }

        services.TryAddSingleton(Options.Create(configuration.Read<DatabaseOptions>(DatabaseOptions.Section)));
        services.TryAddSingleton(Options.Create(configuration.Read<RunnerHostOptions>(RunnerHostOptions.Section)));
        services.AddImagePolicy(configuration);
        services.TryAddSingleton(TimeProvider.System);
        // The one place that names the engine: another host registers its own ISandboxHost here.
        services.AddDockerSandboxHost(configuration);
        services.AddSingleton<ImagePuller>();
        services.AddHttpClient<RegistryManifests>(RegistryManifests.HttpClientName)
            .ConfigureHttpClient(c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<DatabaseSandbox>();
        services.AddClonePool(configuration);
        services.AddSingleton<CheckerRole>();
        services.AddSingleton<DatabaseGovernor>();
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseGovernor>());
        services.TryAddSingleton<GraderDataSource>();
        services.TryAddSingleton<Grader.Scenarios.Execution.CompiledSuiteCache>();
        services.AddSingleton<AttemptFaults>();
        services.AddSingleton<GradingServices>();
        // The jobs live in silo services, not in the runner grain: they start and stop with the silo.
        services.AddSingleton<HostSweeper>();
        services.AddSingleton<RunnerHost>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<RunnerHost>());
        services.AddHostedService<HostSlotSampler>();
        services.AddSingleton<DeadHostWatcher>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<DeadHostWatcher>());
        services.AddHttpClient(GradingServices.StudentHttpClient)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // Student apps are reached directly on their network; never through a proxy, never
                // following their redirects, never keeping their cookies.
                UseProxy = false,
                AllowAutoRedirect = false,
                UseCookies = false,
                ConnectTimeout = TimeSpan.FromSeconds(5),
                PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            })
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan);
        return services;
    }
}
