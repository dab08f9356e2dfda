using Grader.Database;
using Npgsql;

namespace Grader.Web.Queries;

public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string Action, string? Target, string Detail);

/// <summary>What staff and admins did, newest first; rows are only ever added.</summary>
public sealed class AuditLog(GraderDataSource database)
{
    private const int DetailLimit = 4000;

    public async Task WriteAsync(string actor, string action, string? target, string detail, CancellationToken ct)
    {
        await using var command = database.Source.CreateCommand("INSERT INTO audit_log (actor, action, target, detail) VALUES (@actor, @action, @target, @detail)");
        command.Parameters.AddWithValue("actor", actor);
        command.Parameters.AddWithValue("action", action);
        command.Parameters.AddWithValue("target", (object?)target ?? DBNull.Value);
        command.Parameters.AddWithValue("detail", detail.Length > DetailLimit ? detail[..DetailLimit] + "…" : detail);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    public Task<IReadOnlyList<AuditEntry>> RecentAsync(string? actionPrefix, int limit, CancellationToken ct) => PageAsync(actionPrefix, null, limit, ct);

    /// <param name="beforeId">Keyset paging: only entries older than this id; null for the newest.</param>
    public async Task<IReadOnlyList<AuditEntry>> PageAsync(string? actionPrefix, long? beforeId, int limit, CancellationToken ct)
    {
        await using var command = database.Source.CreateCommand("""
            SELECT id, at, actor, action, target, detail FROM audit_log
            WHERE (@prefix::text IS NULL OR starts_with(action, @prefix)) AND (@before::bigint IS NULL OR id < @before)
            ORDER BY id DESC LIMIT @limit
            """);
        command.Parameters.AddWithValue("prefix", (object?)actionPrefix ?? DBNull.Value);
        command.Parameters.AddWithValue("before", (object?)beforeId ?? DBNull.Value);
        command.Parameters.AddWithValue("limit", Math.Clamp(limit, 1, 500));
        var entries = new List<AuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            entries.Add(new AuditEntry(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5)));
        }

        return entries;
    }
}
