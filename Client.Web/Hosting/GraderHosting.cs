using Grader.Configuration;
using Grader.Database;
using Grader.Runners;
using Grader.Silo.Hosting;
using Grader.Silo.Storage;
using Grader.Silo.Telemetry;
using Grader.Web.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Grader.Web.Hosting;

/// <summary>The one place the web touches the grains implementation and the silo: hosting the embedded
/// silo (or joining a cluster as a client), the checks of what that hosting talks to, and the schema
/// migration. Everything else in the web compiles against Grains.Interfaces and ServiceDefaults; a
/// unit test (WebTierReferenceTests) reads the compiled assembly and holds that line.</summary>
public static class GraderHosting
{
    public static WebApplicationBuilder AddGraderHosting(this WebApplicationBuilder builder, WebMode mode)
    {
        builder.AddGraderTelemetry("grader-web");
        if (mode == WebMode.Embedded)
        {
            builder.AddGraderSilo();
        }
        else
        {
            builder.AddGraderClient();
            builder.Services.AddSingleton(Options.Create(builder.Configuration.Read<DatabaseOptions>(DatabaseOptions.Section)));
        }

        Grader.Sandbox.ImageOptionsExtensions.AddImagePolicy(builder.Services, builder.Configuration);
        return builder;
    }

    /// <summary>Redis always (membership lives there); the Docker engine where this process runs a silo.</summary>
    public static IHealthChecksBuilder AddHostingChecks(this IHealthChecksBuilder checks, WebMode mode, string tag)
    {
        checks.AddCheck<RedisCheck>("redis", tags: [tag]);
        if (mode == WebMode.Embedded)
        {
            checks.AddCheck<DockerCheck>("docker", tags: [tag]);
        }

        return checks;
    }

    public static IServiceCollection AddSchemaMigration(this IServiceCollection services) => services.AddSingleton<SchemaMigrator>();

    public static Task MigrateSchemaAsync(IServiceProvider services, string connectionString) =>
        services.GetRequiredService<SchemaMigrator>().ApplyAsync(connectionString, CancellationToken.None);

    private sealed class RedisCheck(IOptions<RedisSettings> options, ILogger<RedisCheck> logger) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct) =>
            HealthEndpoints.ProbeAsync(async token =>
            {
                var config = ConfigurationOptions.Parse(options.Value.Configuration);
                config.AbortOnConnectFail = true;
                config.ConnectTimeout = 2000;
                await using var redis = await ConnectionMultiplexer.ConnectAsync(config);
                await redis.GetDatabase().PingAsync();
            }, "Redis", logger, ct);
    }

    private sealed class DockerCheck(GradingServices services, ILogger<DockerCheck> logger) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct) =>
            HealthEndpoints.ProbeAsync(token => services.Engine.PingAsync(token), "Docker engine", logger, ct);
    }
}
