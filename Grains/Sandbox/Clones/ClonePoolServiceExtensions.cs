using Grader.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Grader.Sandbox.Clones;

public static class ClonePoolServiceExtensions
{
    /// <summary>The host's pool of pre-cloned isolated databases; reads and checks <c>ClonePool</c> at once.</summary>
    public static IServiceCollection AddClonePool(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(PooledClones)))
        {
            return services;
        }

        services.TryAddSingleton(Options.Create(configuration.Read<ClonePoolOptions>(ClonePoolOptions.Section)));
        services.AddSingleton<PooledClones>();
        services.AddSingleton<IsolatedClones>();
        services.AddSingleton<ClonePoolFiller>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<ClonePoolFiller>());
        return services;
    }
}
