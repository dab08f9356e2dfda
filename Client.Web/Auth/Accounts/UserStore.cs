using Grader.Web.Auth.SignIn;
using Grader.Web.Browse;
using Npgsql;

namespace Grader.Web.Auth.Accounts;

/// <summary>Users in PostgreSQL (table auth_users). Usernames are stored and looked up in lower case.</summary>
public sealed class UserStore(AuthDatabase database, SessionCache sessions)
{
    public const string Columns =
        "u.username, u.is_local, u.source_id, u.email, u.first_name, u.last_name, u.source_role, u.role_override, u.is_active, u.created_at, u.last_sign_in_at";

    public static string Normalize(string username) => username.Trim().ToLowerInvariant();

    public async Task<UserAccount?> FindAsync(string username, CancellationToken ct) =>
        (await QueryAsync($"SELECT {Columns} FROM auth_users u WHERE u.username = @username", ct, ("username", Normalize(username)))).SingleOrDefault();

    public Task<List<UserAccount>> ListAsync(CancellationToken ct) =>
        QueryAsync($"SELECT {Columns} FROM auth_users u ORDER BY u.username", ct);

    /// <summary>Users newest first by (created_at, username), a page at a time, with how many match in all.</summary>
    /// <param name="contains">Part of the username, first or last name, any case; null for all.</param>
    /// <param name="role">The effective role (the override, else the source's); null for any.</param>
    public async Task<KeysetPage<UserAccount>> PageAsync(string? contains, UserRole? role, PageRequest page, CancellationToken ct)
    {
        const string matches = """
            (@contains::text IS NULL OR u.username ILIKE @contains OR u.first_name ILIKE @contains OR u.last_name ILIKE @contains)
              AND (@role::text IS NULL OR coalesce(u.role_override, u.source_role) = @role)
            """;
        var (after, order) = Keyset.Sql(page, "u.created_at", "u.username");
        var pattern = contains is null ? null : $"%{contains.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_")}%";
        (string, object?)[] filter = [("contains", pattern), ("role", role?.Name())];
        var read = await QueryAsync($"SELECT {Columns} FROM auth_users u WHERE {matches} AND {after} ORDER BY {order} LIMIT @limit", ct,
            [.. filter, ("cursor_at", page.Cursor?.At), ("cursor_id", page.Cursor?.Key), ("limit", page.Size + 1)]);
        await using var count = database.Command($"SELECT count(*) FROM auth_users u WHERE {matches}", filter);
        var total = (long)(await count.ExecuteScalarAsync(ct))!;
        return Keyset.Page(read, page, total, u => new PageCursor(u.CreatedAt, u.Username));
    }

    /// <returns>The hash of an active or inactive local account, or null when there is no such local account.</returns>
    public async Task<string?> FindPasswordHashAsync(string username, CancellationToken ct)
    {
        await using var command = database.Command("SELECT password_hash FROM auth_users WHERE username = @username AND is_local", ("username", Normalize(username)));
        return await command.ExecuteScalarAsync(ct) as string;
    }

    /// <returns>False when the username is taken.</returns>
    public async Task<bool> CreateLocalAsync(string username, string passwordHash, UserRole role, string? email, string? firstName, string? lastName, CancellationToken ct)
    {
        await using var command = database.Command("""
            INSERT INTO auth_users (username, is_local, password_hash, source_role, email, first_name, last_name)
            VALUES (@username, true, @hash, @role, @email::text, @first::text, @last::text)
            ON CONFLICT (username) DO NOTHING
            """,
            ("username", Normalize(username)), ("hash", passwordHash), ("role", role.Name()), ("email", email), ("first", firstName), ("last", lastName));
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Creates or refreshes a directory user after a successful bind.</summary>
    /// <returns>The user, or null when the username belongs to a local account (which a directory never changes).</returns>
    public async Task<UserAccount?> UpsertDirectoryUserAsync(DirectoryProfile profile, int sourceId, CancellationToken ct)
    {
        var users = await QueryAsync($"""
            INSERT INTO auth_users AS u (username, is_local, source_id, email, first_name, last_name, source_role, last_sign_in_at)
            VALUES (@username, false, @source, @email::text, @first::text, @last::text, @role, now())
            ON CONFLICT (username) DO UPDATE
            SET source_id = excluded.source_id, email = excluded.email, first_name = excluded.first_name,
                last_name = excluded.last_name, source_role = excluded.source_role, last_sign_in_at = now()
            WHERE NOT u.is_local
            RETURNING {Columns}
            """, ct,
            ("username", Normalize(profile.Username)), ("source", sourceId), ("email", profile.Email), ("first", profile.FirstName),
            ("last", profile.LastName), ("role", profile.Role.Name()));
        // The directory's groups may have changed the role.
        sessions.ForgetUser(profile.Username);
        return users.SingleOrDefault();
    }

    public async Task RecordSignInAsync(string username, CancellationToken ct)
    {
        await using var command = database.Command("UPDATE auth_users SET last_sign_in_at = now() WHERE username = @username", ("username", Normalize(username)));
        await command.ExecuteNonQueryAsync(ct);
    }

    public Task<bool> SetRoleOverrideAsync(string username, UserRole? role, CancellationToken ct) =>
        UpdateUserAsync(username, "UPDATE auth_users SET role_override = @role::text WHERE username = @username", ct, ("role", role?.Name()));

    public Task<bool> SetActiveAsync(string username, bool isActive, CancellationToken ct) =>
        UpdateUserAsync(username, "UPDATE auth_users SET is_active = @active WHERE username = @username", ct, ("active", isActive));

    /// <returns>False when there is no such local account.</returns>
    public Task<bool> SetPasswordHashAsync(string username, string passwordHash, CancellationToken ct) =>
        UpdateAsync("UPDATE auth_users SET password_hash = @hash WHERE username = @username AND is_local", ct, ("username", Normalize(username)), ("hash", passwordHash));

    internal static UserAccount Read(NpgsqlDataReader row, int first = 0) => new(
        row.GetString(first),
        row.GetBoolean(first + 1),
        row.IsDBNull(first + 2) ? null : row.GetInt32(first + 2),
        row.IsDBNull(first + 3) ? null : row.GetString(first + 3),
        row.IsDBNull(first + 4) ? null : row.GetString(first + 4),
        row.IsDBNull(first + 5) ? null : row.GetString(first + 5),
        UserRoles.Parse(row.GetString(first + 6)),
        row.IsDBNull(first + 7) ? null : UserRoles.Parse(row.GetString(first + 7)),
        row.GetBoolean(first + 8),
        row.GetFieldValue<DateTimeOffset>(first + 9),
        row.IsDBNull(first + 10) ? null : row.GetFieldValue<DateTimeOffset>(first + 10));

    /// <summary>A change to what a session carries (role, active): no cached session of the user is reused.</summary>
    private async Task<bool> UpdateUserAsync(string username, string sql, CancellationToken ct, (string, object?) value)
    {
        var changed = await UpdateAsync(sql, ct, ("username", Normalize(username)), value);
        sessions.ForgetUser(username);
        return changed;
    }

    private async Task<bool> UpdateAsync(string sql, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var command = database.Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    private async Task<List<UserAccount>> QueryAsync(string sql, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var command = database.Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var users = new List<UserAccount>();
        while (await reader.ReadAsync(ct))
        {
            users.Add(Read(reader));
        }

        return users;
    }
}
