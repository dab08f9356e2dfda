using Grader.Web.Auth.Accounts;

namespace Grader.Web.Auth.SignIn;

/// <summary>Signed-in sessions (table auth_sessions). The cookie names a session; every request checks
/// that it is not revoked or too old and that its user is still active, and takes the user's role
/// from here (through <see cref="SessionCache"/> for a few seconds), so a role change or a disabled
/// account applies at once.</summary>
public sealed class SessionStore(AuthDatabase database, SessionCache cache)
{
    public async Task<Guid> CreateAsync(string username, string? clientAddress, DateTimeOffset oldestKept, CancellationToken ct)
    {
        var id = Guid.NewGuid();
        // Each sign-in also forgets this user's sessions that can no longer be used.
        await using var command = database.Command("""
            WITH gone AS (
                DELETE FROM auth_sessions WHERE username = @username AND (revoked_at IS NOT NULL OR created_at < @oldest)
            )
            INSERT INTO auth_sessions (id, username, client_address) VALUES (@id, @username, @address::text)
            """,
            ("id", id), ("username", UserStore.Normalize(username)), ("address", clientAddress), ("oldest", oldestKept));
        await command.ExecuteNonQueryAsync(ct);
        return id;
    }

    /// <returns>The session's user, or null when the session is revoked, too old, or its user inactive.</returns>
    public async Task<UserAccount?> FindUserAsync(Guid sessionId, DateTimeOffset oldestKept, CancellationToken ct)
    {
        // A cached session is at most SessionCacheDuration older than oldestKept allows: seconds of a
        // 14-day limit.
        if (cache.Find(sessionId) is { } known)
        {
            return known;
        }

        var version = cache.Version;
        var user = await ReadUserAsync(sessionId, oldestKept, ct);
        if (user is not null)
        {
            cache.Add(sessionId, user, version);
        }

        return user;
    }

    public async Task RevokeAsync(Guid sessionId, CancellationToken ct)
    {
        await using var command = database.Command("UPDATE auth_sessions SET revoked_at = now() WHERE id = @id AND revoked_at IS NULL", ("id", sessionId));
        await command.ExecuteNonQueryAsync(ct);
        cache.Forget(sessionId);
    }

    private async Task<UserAccount?> ReadUserAsync(Guid sessionId, DateTimeOffset oldestKept, CancellationToken ct)
    {
        await using var command = database.Command($"""
            SELECT {UserStore.Columns}
            FROM auth_sessions s JOIN auth_users u ON u.username = s.username
            WHERE s.id = @id AND s.revoked_at IS NULL AND s.created_at >= @oldest AND u.is_active
            """, ("id", sessionId), ("oldest", oldestKept));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? UserStore.Read(reader) : null;
    }
}
