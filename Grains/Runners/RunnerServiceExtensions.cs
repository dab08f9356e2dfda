using Grader.Configuration;
using Grader.Database;
using Grader.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

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

        services.TryAddSingleton(Options.Create(configuration.Read<RunnerOptions>(RunnerOptions.Section)));
        services.TryAddSingleton(Options.Create(configuration.Read<DatabaseOptions>(DatabaseOptions.Section)));
        services.AddSingleton<DockerEngine>();
        services.AddSingleton<DatabaseSandbox>();
        services.TryAddSingleton<GraderDataSource>();
        services.AddSingleton<AttemptFaults>();
        services.AddSingleton<GradingServices>();
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
