using Grader.Web.Auth.Accounts;

namespace Grader.Web.Auth.Tokens;

/// <summary>An API token as its owner and admins see it; never the token itself.</summary>
public sealed record ApiTokenInfo(Guid Id, string Username, string Name, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

/// <summary>API tokens (table auth_api_tokens), looked up by the hash of the presented token.</summary>
public sealed class ApiTokenStore(AuthDatabase database)
{
    private const string InfoColumns = "t.id, t.username, t.name, t.created_at, t.expires_at, t.last_used_at, t.revoked_at";

    /// <returns>The new token's record and the token, which is shown once and never stored.</returns>
    public async Task<(ApiTokenInfo Info, string Token)> CreateAsync(string username, string name, DateTimeOffset expiresAt, CancellationToken ct)
    {
        var token = ApiTokenSecret.Generate();
        await using var command = database.Command($"""
            INSERT INTO auth_api_tokens AS t (id, username, name, token_hash, expires_at)
            VALUES (@id, @username, @name, @hash, @expires)
            RETURNING {InfoColumns}
            """,
            ("id", Guid.NewGuid()), ("username", UserStore.Normalize(username)), ("name", name), ("hash", ApiTokenSecret.Hash(token)), ("expires", expiresAt));
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (Read(reader), token);
    }

    /// <returns>The owner of a live token (not revoked, not expired), or null.</returns>
    public async Task<(UserAccount User, Guid TokenId)?> FindOwnerAsync(string token, DateTimeOffset now, CancellationToken ct)
    {
        // last_used_at is only written once a minute per token, not on every scripted request.
        await using var command = database.Command($"""
            WITH live AS (
                SELECT t.id FROM auth_api_tokens t
                WHERE t.token_hash = @hash AND t.revoked_at IS NULL AND t.expires_at > @now
            ), touched AS (
                UPDATE auth_api_tokens t SET last_used_at = @now
                FROM live WHERE t.id = live.id AND (t.last_used_at IS NULL OR t.last_used_at < @now - interval '1 minute')
            )
            SELECT t.id, {UserStore.Columns}
            FROM live JOIN auth_api_tokens t ON t.id = live.id JOIN auth_users u ON u.username = t.username
            """, ("hash", ApiTokenSecret.Hash(token)), ("now", now));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (UserStore.Read(reader, first: 1), reader.GetGuid(0)) : null;
    }

    /// <param name="username">Only that user's tokens; null for all (admins).</param>
    public async Task<List<ApiTokenInfo>> ListAsync(string? username, CancellationToken ct)
    {
        await using var command = database.Command($"""
            SELECT {InfoColumns} FROM auth_api_tokens t
            WHERE @username::text IS NULL OR t.username = @username::text
            ORDER BY t.created_at DESC
            """, ("username", username is null ? null : UserStore.Normalize(username)));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var tokens = new List<ApiTokenInfo>();
        while (await reader.ReadAsync(ct))
        {
            tokens.Add(Read(reader));
        }

        return tokens;
    }

    /// <param name="username">Only if the token is this user's; null for any token (admins).</param>
    /// <returns>False when there is no such token (for this user).</returns>
    public async Task<bool> RevokeAsync(Guid id, string? username, CancellationToken ct)
    {
        await using var command = database.Command("""
            UPDATE auth_api_tokens SET revoked_at = coalesce(revoked_at, now())
            WHERE id = @id AND (@username::text IS NULL OR username = @username::text)
            """, ("id", id), ("username", username is null ? null : UserStore.Normalize(username)));
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    private static ApiTokenInfo Read(Npgsql.NpgsqlDataReader row) => new(
        row.GetGuid(0),
        row.GetString(1),
        row.GetString(2),
        row.GetFieldValue<DateTimeOffset>(3),
        row.GetFieldValue<DateTimeOffset>(4),
        row.IsDBNull(5) ? null : row.GetFieldValue<DateTimeOffset>(5),
        row.IsDBNull(6) ? null : row.GetFieldValue<DateTimeOffset>(6));
}
