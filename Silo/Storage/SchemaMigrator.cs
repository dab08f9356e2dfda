using System.Reflection;
using Grader.Database;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Grader.Silo.Storage;

/// <summary>Applies the embedded SQL scripts at start, before Orleans reads its queries. Every script is
/// idempotent, and all of them run in one transaction under an advisory lock, so two silos starting
/// together take turns instead of racing on CREATE TABLE.</summary>
public sealed partial class SchemaMigrator(IOptions<DatabaseOptions> options, ILogger<SchemaMigrator> logger) : IHostedService
{
    private const long MigrationLock = 0x6772_6164_6572; // "grader"

    // PostgreSQL may still be starting, or restarting, when a silo comes up.
    private static readonly ResiliencePipeline StartupRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>(e => e.IsTransient || e is PostgresException { SqlState: "57P03" }),
            MaxRetryAttempts = 8,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(250),
            MaxDelay = TimeSpan.FromSeconds(5),
        })
        .Build();

    public static IReadOnlyList<(string Name, string Sql)> Scripts { get; } = LoadScripts();

    public Task StartAsync(CancellationToken cancellationToken) => ApplyAsync(options.Value.ConnectionString(), cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task ApplyAsync(string connectionString, CancellationToken ct)
    {
        await StartupRetry.ExecuteAsync(async token =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(token);
            await using var tx = await connection.BeginTransactionAsync(token);
            await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({MigrationLock})", connection, tx))
            {
                await lockCommand.ExecuteNonQueryAsync(token);
            }

            foreach (var (name, sql) in Scripts)
            {
                await using var command = new NpgsqlCommand(sql, connection, tx);
                await command.ExecuteNonQueryAsync(token);
            }

            await tx.CommitAsync(token);
        }, ct);
        LogApplied(logger, Scripts.Count);
    }

    private static List<(string, string)> LoadScripts()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return (n, reader.ReadToEnd());
            })
            .ToList();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is current ({Scripts} scripts applied)")]
    private static partial void LogApplied(ILogger logger, int scripts);
}
