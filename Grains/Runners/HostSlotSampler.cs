using Grader.Database;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Grader.Runners;

/// <summary>Records how many of this host's slots are in use, once per <see cref="Interval"/>, for the staff
/// chart "slots in use per host": the runner knows only the present, so the history is sampled. Each write
/// also deletes this host's samples older than <see cref="Retention"/>, which bounds the table at about
/// 20,000 rows per host.</summary>
public sealed partial class HostSlotSampler(RunnerHost runner, GraderDataSource database, TimeProvider clock, ILogger<HostSlotSampler> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    private const string Record = """
        INSERT INTO host_slot_sample (host, sampled_at, slots, in_use) VALUES (@host, @at, @slots, @used)
        ON CONFLICT (host, sampled_at) DO NOTHING;
        DELETE FROM host_slot_sample WHERE host = @host AND sampled_at < @at - @retention;
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            await SampleAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Never throws: a missed sample is a gap in a chart, not a reason to stop the host.</summary>
    private async Task SampleAsync(CancellationToken ct)
    {
        var status = runner.Status();
        try
        {
            await using var command = database.Source.CreateCommand(Record);
            command.Parameters.AddWithValue("host", status.Host);
            command.Parameters.AddWithValue("at", clock.GetUtcNow());
            command.Parameters.AddWithValue("slots", status.Slots);
            command.Parameters.AddWithValue("used", status.Running.Count);
            command.Parameters.AddWithValue("retention", Retention);
            await command.ExecuteNonQueryAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            LogSampleFailed(logger, e, status.Host);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slot sample of host {Host} was not written; the next one follows")]
    private static partial void LogSampleFailed(ILogger logger, Exception e, string host);
}
