using Grader.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Grader.Sandbox.Docker;

public static class DockerHostExtensions
{
    /// <summary>The local Docker engine as this host's <see cref="ISandboxHost"/>; reads and checks the
    /// <c>Docker</c> section. Another engine registers its own host in place of this call.</summary>
    public static IServiceCollection AddDockerSandboxHost(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(Options.Create(configuration.Read<DockerHostOptions>(DockerHostOptions.Section)));
        services.TryAddSingleton<DockerEngine>();
        services.TryAddSingleton<ISandboxHost>(sp => sp.GetRequiredService<DockerEngine>());
        services.TryAddSingleton<ImageCollector>();
        services.TryAddSingleton<IImageCollector>(sp => sp.GetRequiredService<ImageCollector>());
        return services;
    }
}
