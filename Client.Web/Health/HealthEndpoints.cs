using System.Text.Json;
using Grader.Database;
using Grader.Web.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Grader.Web.Health;

/// <summary>/healthz says the process is alive; /readyz really talks to PostgreSQL, Redis and (where this
/// process runs a silo) the Docker engine, and names whichever does not answer. Both are anonymous, so
/// they say only the dependency's name and the kind of error: settings and exception messages (which can
/// carry host names, user names, or the password inside a Redis configuration string) go to the log.</summary>
public static partial class HealthEndpoints
{
    private const string ReadyTag = "ready";

    public static IServiceCollection AddGraderHealthChecks(this IServiceCollection services, WebMode mode)
    {
        var checks = services.AddHealthChecks()
            .AddCheck<PostgresCheck>("postgres", tags: [ReadyTag]);
        checks.AddHostingChecks(mode, ReadyTag);
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

    internal static async Task<HealthCheckResult> ProbeAsync(Func<CancellationToken, Task> probe, string what, ILogger logger, CancellationToken ct)
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
            LogUnreachable(logger, what, e);
            return HealthCheckResult.Unhealthy($"{what} does not answer ({e.GetType().Name}; details in the log)");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness: {Dependency} does not answer")]
    private static partial void LogUnreachable(ILogger logger, string dependency, Exception exception);

    private sealed class PostgresCheck(IOptions<DatabaseOptions> options, ILogger<PostgresCheck> logger) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct) =>
            ProbeAsync(async token =>
            {
                await using var connection = new NpgsqlConnection(options.Value.ConnectionString());
                await connection.OpenAsync(token);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(token);
            }, "PostgreSQL", logger, ct);
    }
}
