using System.Text.Json;
using Docker.DotNet;
using Grader.Database;
using Grader.Runners;
using Grader.Silo.Hosting;
using Grader.Web.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace Grader.Web.Health;

/// <summary>/healthz says the process is alive; /readyz really talks to PostgreSQL, Redis and (where this
/// process runs a silo) the Docker engine, and names whichever does not answer.</summary>
public static class HealthEndpoints
{
    private const string ReadyTag = "ready";

    public static IServiceCollection AddGraderHealthChecks(this IServiceCollection services, WebMode mode)
    {
        var checks = services.AddHealthChecks()
            .AddCheck<PostgresCheck>("postgres", tags: [ReadyTag])
            .AddCheck<RedisCheck>("redis", tags: [ReadyTag]);
        if (mode == WebMode.Embedded)
        {
            checks.AddCheck<DockerCheck>("docker", tags: [ReadyTag]);
        }

        return services;
    }

    public static WebApplication MapGraderHealth(this WebApplication app)
    {
        // Public: load balancers and monitors probe them without signing in.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync }).AllowAnonymous();
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), detail = e.Value.Description }),
        }));
    }

    private static async Task<HealthCheckResult> ProbeAsync(Func<CancellationToken, Task> probe, string what, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            await probe(timeout.Token);
            return HealthCheckResult.Healthy($"{what} answers");
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy($"{what} is not reachable: {e.Message}");
        }
    }

    private sealed class PostgresCheck(IOptions<DatabaseOptions> options) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct) =>
            ProbeAsync(async token =>
            {
                await using var connection = new NpgsqlConnection(options.Value.ConnectionString());
                await connection.OpenAsync(token);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(token);
            }, $"PostgreSQL at {options.Value.Host}:{options.Value.Port}", ct);
    }

    private sealed class RedisCheck(IOptions<RedisSettings> options) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct) =>
            ProbeAsync(async token =>
            {
                var config = ConfigurationOptions.Parse(options.Value.Configuration);
                config.AbortOnConnectFail = true;
                config.ConnectTimeout = 2000;
                await using var redis = await ConnectionMultiplexer.ConnectAsync(config);
                await redis.GetDatabase().PingAsync();
            }, $"Redis at {options.Value.Configuration}", ct);
    }

    private sealed class DockerCheck(GradingServices services) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct) =>
            ProbeAsync(token => services.Docker.PingAsync(token), $"Docker engine at {services.Options.Endpoint}", ct);
    }
}
