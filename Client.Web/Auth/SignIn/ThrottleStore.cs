using Npgsql;
using NpgsqlTypes;

namespace Grader.Web.Auth.SignIn;

/// <summary>Failure counts per key (table auth_throttle), shared by every web process. Each change is
/// made under a row lock, so parallel attempts are counted one after another.</summary>
public sealed class ThrottleStore(AuthDatabase database)
{
    /// <summary>Reads the key's state, applies <paramref name="change"/> and stores the result, in one transaction.</summary>
    public async Task<T> UpdateAsync<T>(string key, Func<ThrottleState, (T Result, ThrottleState Next)> change, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var ensure = new NpgsqlCommand("INSERT INTO auth_throttle (key) VALUES (@key) ON CONFLICT (key) DO NOTHING", connection, tx))
        {
            ensure.Parameters.AddWithValue("key", key);
            await ensure.ExecuteNonQueryAsync(ct);
        }

        ThrottleState state;
        await using (var read = new NpgsqlCommand("SELECT failures, window_started_at, locked_until FROM auth_throttle WHERE key = @key FOR UPDATE", connection, tx))
        {
            read.Parameters.AddWithValue("key", key);
            await using var reader = await read.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            state = new ThrottleState(
                reader.GetInt32(0),
                reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2));
        }

        var (result, next) = change(state);
        if (next != state)
        {
            await using var write = new NpgsqlCommand(
                "UPDATE auth_throttle SET failures = @failures, window_started_at = @started, locked_until = @until WHERE key = @key", connection, tx);
            write.Parameters.AddWithValue("key", key);
            write.Parameters.AddWithValue("failures", next.Failures);
            write.Parameters.Add(new NpgsqlParameter("started", NpgsqlDbType.TimestampTz) { Value = (object?)next.WindowStartedAt ?? DBNull.Value });
            write.Parameters.Add(new NpgsqlParameter("until", NpgsqlDbType.TimestampTz) { Value = (object?)next.LockedUntil ?? DBNull.Value });
            await write.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return result;
    }

    /// <summary>The key's state, or null when it has no row.</summary>
    public async Task<ThrottleState?> FindAsync(string key, CancellationToken ct)
    {
        await using var command = database.Command("SELECT failures, window_started_at, locked_until FROM auth_throttle WHERE key = @key", ("key", key));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new ThrottleState(
                reader.GetInt32(0),
                reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2))
            : null;
    }

    public async Task ClearAsync(string key, CancellationToken ct)
    {
        await using var command = database.Command("DELETE FROM auth_throttle WHERE key = @key", ("key", key));
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Deletes rows that no longer lock or count anything (random usernames from a guesser);
    /// the rule is LockoutPolicy.IsForgotten.</summary>
    public async Task ForgetOldAsync(DateTimeOffset now, DateTimeOffset windowStartedBefore, CancellationToken ct)
    {
        await using var command = database.Command("""
            DELETE FROM auth_throttle
            WHERE (locked_until IS NULL OR locked_until <= @now)
              AND (failures = 0 OR window_started_at IS NULL OR window_started_at <= @started)
            """, ("now", now), ("started", windowStartedBefore));
        await command.ExecuteNonQueryAsync(ct);
    }
}
