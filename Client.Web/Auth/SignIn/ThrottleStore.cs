namespace Grader.Web.Auth.SignIn;

/// <summary>Failure counts per key (table auth_throttle), shared by every web process. A failure is
/// counted under a row lock, so parallel attempts cannot lose counts.</summary>
public sealed class ThrottleStore(AuthDatabase database)
{
    public async Task<ThrottleState> GetAsync(string key, CancellationToken ct)
    {
        await using var command = database.Command("SELECT failures, window_started_at, locked_until FROM auth_throttle WHERE key = @key", ("key", key));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new ThrottleState(
                reader.GetInt32(0),
                reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2))
            : ThrottleState.Clean;
    }

    public async Task<ThrottleState> RecordFailureAsync(string key, LockoutPolicy policy, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var ensure = new Npgsql.NpgsqlCommand("INSERT INTO auth_throttle (key) VALUES (@key) ON CONFLICT (key) DO NOTHING", connection, tx))
        {
            ensure.Parameters.AddWithValue("key", key);
            await ensure.ExecuteNonQueryAsync(ct);
        }

        ThrottleState state;
        await using (var read = new Npgsql.NpgsqlCommand("SELECT failures, window_started_at, locked_until FROM auth_throttle WHERE key = @key FOR UPDATE", connection, tx))
        {
            read.Parameters.AddWithValue("key", key);
            await using var reader = await read.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            state = new ThrottleState(
                reader.GetInt32(0),
                reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2));
        }

        var next = policy.AfterFailure(state, now);
        await using (var write = new Npgsql.NpgsqlCommand(
            "UPDATE auth_throttle SET failures = @failures, window_started_at = @started, locked_until = @until WHERE key = @key", connection, tx))
        {
            write.Parameters.AddWithValue("key", key);
            write.Parameters.AddWithValue("failures", next.Failures);
            write.Parameters.AddWithValue("started", (object?)next.WindowStartedAt ?? DBNull.Value).NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz;
            write.Parameters.AddWithValue("until", (object?)next.LockedUntil ?? DBNull.Value).NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz;
            await write.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return next;
    }

    public async Task ClearAsync(string key, CancellationToken ct)
    {
        await using var command = database.Command("DELETE FROM auth_throttle WHERE key = @key", ("key", key));
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Deletes rows that no longer lock or count anything (random usernames from a guesser).</summary>
    public async Task ForgetOldAsync(DateTimeOffset lockedBefore, DateTimeOffset windowStartedBefore, CancellationToken ct)
    {
        await using var command = database.Command("""
            DELETE FROM auth_throttle
            WHERE (locked_until IS NULL OR locked_until < @locked) AND (window_started_at IS NULL OR window_started_at < @started)
            """, ("locked", lockedBefore), ("started", windowStartedBefore));
        await command.ExecuteNonQueryAsync(ct);
    }
}
