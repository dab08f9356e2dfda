using Grader.Database;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace Grader.Queue;

/// <summary>The queue's own rows (<c>queue_entry</c>, <c>queue_user</c>): a partition loads its share
/// at activation and writes each batch of changes in one round trip and one transaction.</summary>
public sealed class QueueStore(GraderDataSource database, IOptions<ClusterOptions> cluster)
{
    private string ServiceId => cluster.Value.ServiceId;

    // The batch lane's rows live beside the interactive ones under their own service id, so each lane
    // keeps its own entries and turns without a column the older rows lack.
    private string LaneId(QueueLane lane) => lane == QueueLane.Batch ? ServiceId + "/batch" : ServiceId;

    public async Task<(List<StoredEntry> Entries, Dictionary<string, long> Served)> LoadAsync(int partition, int partitions, CancellationToken ct,
        QueueLane lane = QueueLane.Interactive)
    {
        var entries = new List<StoredEntry>();
        var served = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var batch = database.Source.CreateBatch();
        batch.BatchCommands.Add(Command(
            "SELECT task_id, user_id, seq, enqueued_at FROM queue_entry WHERE service_id = $1 AND user_hash % $2 = $3",
            LaneId(lane), partitions, partition));
        batch.BatchCommands.Add(Command(
            "SELECT user_id, last_served FROM queue_user WHERE service_id = $1 AND user_hash % $2 = $3",
            LaneId(lane), partitions, partition));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var entry = new QueueEntry(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(3), lane);
            entries.Add(new StoredEntry(entry, reader.GetInt64(2)));
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            served[reader.GetString(0)] = reader.GetInt64(1);
        }

        return (entries, served);
    }

    /// <summary>Writes the rows a batch touched. A batch runs as one implicit transaction: all or nothing.</summary>
    public async Task WriteAsync(QueueChanges changes, CancellationToken ct, QueueLane lane = QueueLane.Interactive)
    {
        var serviceId = LaneId(lane);
        var deleted = changes.Entries.Where(c => c.Value is null).Select(c => c.Key).ToArray();
        var upserted = changes.Entries.Values.OfType<StoredEntry>().ToList();
        await using var batch = database.Source.CreateBatch();
        if (deleted.Length > 0)
        {
            batch.BatchCommands.Add(Command("DELETE FROM queue_entry WHERE service_id = $1 AND task_id = ANY($2)", serviceId, deleted));
        }

        if (upserted.Count > 0)
        {
            batch.BatchCommands.Add(Command("""
                INSERT INTO queue_entry (service_id, task_id, user_id, user_hash, seq, enqueued_at)
                SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::integer[], $5::bigint[], $6::timestamptz[])
                ON CONFLICT (service_id, task_id) DO UPDATE SET seq = EXCLUDED.seq, enqueued_at = EXCLUDED.enqueued_at
                """,
                serviceId,
                upserted.Select(e => e.Entry.TaskId).ToArray(),
                upserted.Select(e => e.Entry.UserId).ToArray(),
                upserted.Select(e => QueueShards.HashOf(e.Entry.UserId)).ToArray(),
                upserted.Select(e => e.Seq).ToArray(),
                upserted.Select(e => e.Entry.EnqueuedAt.ToUniversalTime()).ToArray()));
        }

        if (changes.Served.Count > 0)
        {
            batch.BatchCommands.Add(Command("""
                INSERT INTO queue_user (service_id, user_id, user_hash, last_served)
                SELECT $1, * FROM unnest($2::text[], $3::integer[], $4::bigint[])
                ON CONFLICT (service_id, user_id) DO UPDATE SET last_served = GREATEST(queue_user.last_served, EXCLUDED.last_served)
                """,
                serviceId,
                changes.Served.Keys.ToArray(),
                changes.Served.Keys.Select(QueueShards.HashOf).ToArray(),
                changes.Served.Values.ToArray()));
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(ct);
        }
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
