using Grader.Configuration;
using Grader.Database;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Grader.Queue;

public static class QueueServiceExtensions
{
    /// <summary>The queue's silo-side services. Reads and checks the <c>Queue</c> section at once.</summary>
    public static IServiceCollection AddTaskQueue(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(QueueStore)))
        {
            return services;
        }

        services.TryAddSingleton(Options.Create(configuration.Read<QueueOptions>(QueueOptions.Section)));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GraderDataSource>();
        services.AddSingleton<QueueStore>();
        services.AddSingleton<RunnerWakeups>();
        return services;
    }
}
