using Grader.Database;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace Grader.Tasks;

/// <summary>Heals the read model. A summary can fall behind its task when the read-model write after a
/// transition fails (the grain's state is stored, the derived row is not); a final one would then stay
/// "Testing" in every list forever. Each period this finds tasks whose stored revision is ahead of their
/// summary (or that have none) and asks their grains to write it again. Every silo runs it; the write
/// keeps only the highest revision, so running it twice changes nothing.</summary>
public sealed partial class TaskReadModelRepair(
    GraderDataSource database,
    IGrainFactory grains,
    IOptions<ClusterOptions> cluster,
    IOptions<TaskOptions> options,
    ILogger<TaskReadModelRepair> logger) : BackgroundService
{
    private const string Behind = """
        SELECT g.grain_key::uuid
        FROM grain_state g
        LEFT JOIN task_summary t ON t.task_id = g.grain_key::uuid
        WHERE g.state_name = 'task' AND g.service_id = @service
          AND g.modified_at < now() - @settle AND g.modified_at > now() - @window
          AND (t.task_id IS NULL OR t.revision < (g.state->>'Revision')::bigint * @stride)
        LIMIT @batch
        """;

    private const int Batch = 200;

    // Rows changed in the last few seconds are left alone: their own write may still be on its way.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReadModelRepairPeriod);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RepairAsync(Settle, stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or OrleansException or TimeoutException or InvalidOperationException)
            {
                LogRepairFailed(logger, e.Message);
            }
        }
    }

    /// <summary>Returns how many summaries were written again; tasks changed within <paramref name="settle"/> are left.</summary>
    public async Task<int> RepairAsync(TimeSpan settle, CancellationToken ct)
    {
        var behind = new List<Guid>();
        await using (var command = database.Source.CreateCommand(Behind))
        {
            command.Parameters.AddWithValue("service", cluster.Value.ServiceId);
            command.Parameters.AddWithValue("settle", settle);
            command.Parameters.AddWithValue("window", options.Value.ReadModelRepairWindow);
            command.Parameters.AddWithValue("batch", Batch);
            command.Parameters.AddWithValue("stride", TaskReadModel.RevisionStride);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                behind.Add(reader.GetGuid(0));
            }
        }

        foreach (var id in behind)
        {
            await grains.GetGrain<ITaskGrain>(id).RefreshReadModelAsync();
        }

        if (behind.Count > 0)
        {
            LogRepaired(logger, behind.Count);
        }

        return behind.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Wrote {Count} task summaries again that had fallen behind their tasks")]
    private static partial void LogRepaired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Read-model repair failed this round; the next one tries again: {Error}")]
    private static partial void LogRepairFailed(ILogger logger, string error);
}
