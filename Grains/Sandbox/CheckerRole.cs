using System.Collections.Concurrent;
using System.Security.Cryptography;
using Grader.Database;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Grader.Sandbox;

/// <summary>The login SQL checks run as, one per host. It is no superuser, owns nothing, and may only
/// read (member of pg_read_all_data); it can CONNECT only to databases granted to it, which are this
/// host's running attempts (the grant goes with the dropped database) and readonly reference databases.
/// Its password is made by this process and never leaves it. Whatever a student plants in their
/// database and gets this login to run has these rights and no more.</summary>
public sealed class CheckerRole(IOptions<DatabaseOptions> options)
{
    private readonly DatabaseOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _passwords = new(StringComparer.Ordinal);

    /// <summary>Outside the <c>grader_&lt;tag&gt;_</c> names the reconciler removes, so it outlives attempts.</summary>
    public static string NameFor(string hostTag) => $"{SandboxNames.Prefix}checker_{hostTag}";

    /// <summary>Creates or re-keys the host's checker; safe to call concurrently and repeatedly.</summary>
    public async Task<string> EnsureAsync(string hostTag, CancellationToken ct)
    {
        var lazy = _passwords.GetOrAdd(hostTag, tag => new Lazy<Task<string>>(() => CreateAsync(tag)));
        try
        {
            return await lazy.Value.WaitAsync(ct);
        }
        catch (Exception) when (lazy.Value.IsFaulted)
        {
            _passwords.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(hostTag, lazy));
            throw;
        }
    }

    /// <summary>A connection string for the host's checker on one database.</summary>
    public async Task<string> ConnectionStringAsync(string hostTag, string database, CancellationToken ct) => new NpgsqlConnectionStringBuilder
    {
        Host = _options.Host,
        Port = _options.Port,
        Username = NameFor(hostTag),
        Password = await EnsureAsync(hostTag, ct),
        Database = database,
        Pooling = false,
        Timeout = 10,
        CommandTimeout = (int)Math.Ceiling(_options.SqlCheckTimeout.TotalSeconds) + 5,
    }.ConnectionString;

    private async Task<string> CreateAsync(string hostTag)
    {
        var role = NameFor(hostTag);
        var password = RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 32);
        await using var admin = new NpgsqlConnection(_options.ConnectionString("postgres"));
        await admin.OpenAsync();
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_lock(hashtext(@r))", admin))
        {
            lockCmd.Parameters.AddWithValue("r", role);
            await lockCmd.ExecuteNonQueryAsync();
        }

        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_roles WHERE rolname = @r", admin))
        {
            exists.Parameters.AddWithValue("r", role);
            if (await exists.ExecuteScalarAsync() is null)
            {
                await DatabaseSandbox.ExecAsync(admin, "CREATE ROLE %I LOGIN", CancellationToken.None, role);
            }
        }

        // Re-stated every time, so a role that someone widened is narrowed again.
        await DatabaseSandbox.ExecAsync(admin, "ALTER ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT CONNECTION LIMIT 32",
            CancellationToken.None, role, password);
        await DatabaseSandbox.ExecAsync(admin, "GRANT pg_read_all_data TO %I", CancellationToken.None, role);
        return password;
    }
}
