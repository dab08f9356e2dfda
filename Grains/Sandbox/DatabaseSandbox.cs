using System.Globalization;
using System.Security.Cryptography;
using Grader.Assignments;
using Grader.Database;
using Grader.Sandbox.Clones;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Grader.Sandbox;

/// <summary>The login a student's app receives.</summary>
public sealed record DatabaseLogin(string Host, int Port, string Database, string Username, string Password);

/// <summary>Makes and removes the per-attempt PostgreSQL sandbox. Every statement that names an object
/// is built by PostgreSQL's own format() with %I and %L, so no name or password is ever spliced in by us.</summary>
public sealed partial class DatabaseSandbox(IOptions<DatabaseOptions> options, CheckerRole checker, IsolatedClones clones, ILogger<DatabaseSandbox> logger)
{
    private const string ReadonlyGroupPrefix = "grader_ro_";
    private readonly DatabaseOptions _options = options.Value;

    // Every attempt opens the admin database twice (create, drop); pooled, that costs no new session and
    // authentication each time. The admin database is never dropped, and every session lock taken on it
    // here is released before the connection goes back to the pool. After a server restart every idle
    // session in the pool is broken and says so only when used: a failure that is not the server's
    // answer empties the pool, so the next attempt starts afresh.
    private readonly string _admin = new NpgsqlConnectionStringBuilder(options.Value.ConnectionString("postgres")) { Pooling = true }.ConnectionString;

    public async Task<DatabaseLogin?> CreateAsync(SandboxNames names, AssignmentDefinition assignment, CancellationToken ct)
    {
        try
        {
            return await CreateOnceAsync(names, assignment, ct);
        }
        catch (NpgsqlException e) when (IsBrokenSession(e))
        {
            ClearAdminPool();
            throw;
        }
    }

    /// <summary>The session, not the statement, failed: the connection broke, or the server ended it
    /// (a pooled session left from before a restart reads the server's FATAL 57P01 on first use) or
    /// is still starting up.</summary>
    private static bool IsBrokenSession(NpgsqlException e) => e is not PostgresException
        || e is PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow };

    // A drop after a restart meets the broken pool first and then, for a moment, a server still starting.
    private static readonly ResiliencePipeline DropRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>(IsBrokenSession),
            MaxRetryAttempts = 5,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(200),
        })
        .Build();

    private void ClearAdminPool()
    {
        using var connection = new NpgsqlConnection(_admin);
        NpgsqlConnection.ClearPool(connection);
    }

    private async Task<DatabaseLogin?> CreateOnceAsync(SandboxNames names, AssignmentDefinition assignment, CancellationToken ct)
    {
        if (assignment.DatabaseMode == DatabaseMode.None)
        {
            return null;
        }

        var source = assignment.Database ?? throw new InvalidOperationException($"Assignment '{assignment.Id}' uses database mode {assignment.DatabaseMode} but names no database.");
        var schemas = assignment.Schemas.Count > 0 ? assignment.Schemas : ["public"];
        var role = names.Name;
        var password = RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 32);
        var validUntil = DateTimeOffset.UtcNow.AddHours(6).ToString("yyyy-MM-dd HH:mm:ss+00", CultureInfo.InvariantCulture);

        var checkerRole = CheckerRole.NameFor(names.HostTag);
        await checker.EnsureAsync(names.HostTag, ct);
        await using var admin = new NpgsqlConnection(_admin);
        await admin.OpenAsync(ct);
        var limit = _options.SandboxConnectionLimit.ToString(CultureInfo.InvariantCulture);
        string database;
        var origin = "reference";
        if (assignment.DatabaseMode == DatabaseMode.Readonly)
        {
            var group = await EnsureReadonlyGroupAsync(source, schemas, checkerRole, ct);
            await ExecAsync(admin, "CREATE ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION INHERIT CONNECTION LIMIT " +
                limit + " VALID UNTIL %L IN ROLE %I", ct, role, password, validUntil, group);
            await ApplyRoleSettingsAsync(admin, role, _options, ct);
            database = source;
        }
        else
        {
            // The role and its database come ready from the pool or are made now, in the same state
            // either way; only the login is the attempt's own.
            database = role;
            var pooled = await clones.CreateForAttemptAsync(admin, assignment.Id, source, schemas, names, checkerRole, ct);
            await ExecAsync(admin, "ALTER ROLE %I LOGIN PASSWORD %L VALID UNTIL %L", ct, role, password, validUntil);
            origin = pooled ? "pooled clone" : "fresh clone";
        }

        LogSandboxCreated(logger, names.TaskId, names.Attempt, assignment.DatabaseMode, database, origin);
        return new DatabaseLogin(_options.StudentHost ?? _options.Host, _options.Port, database, role, password);
    }

    /// <summary>temp_file_limit is a superuser-only setting, so the role cannot raise it. statement_timeout
    /// and the idle timeout it can, which is why the governor enforces them as well.</summary>
    internal static async Task ApplyRoleSettingsAsync(NpgsqlConnection admin, string role, DatabaseOptions options, CancellationToken ct)
    {
        await ExecAsync(admin, "ALTER ROLE %I SET statement_timeout = %L", ct, role, Milliseconds(options.SandboxStatementTimeout));
        await ExecAsync(admin, "ALTER ROLE %I SET idle_in_transaction_session_timeout = %L", ct, role, Milliseconds(options.SandboxIdleInTransactionTimeout));
        await ExecAsync(admin, "ALTER ROLE %I SET temp_file_limit = %L", ct, role, $"{options.SandboxTempFileLimitMb}MB");
    }

    /// <summary>Takes PUBLIC's CONNECT and TEMPORARY from an assignment's template or reference database,
    /// so no student login can sit in it (a session in a template makes every clone of it fail). Missing
    /// databases are skipped: staff may save the assignment before they load the template.</summary>
    public async Task<bool> ProtectSourceAsync(string database, CancellationToken ct)
    {
        await using var admin = new NpgsqlConnection(_options.ConnectionString("postgres"));
        await admin.OpenAsync(ct);
        await using (var exists = new NpgsqlCommand("SELECT has_database_privilege('public', datname, 'CONNECT') OR has_database_privilege('public', datname, 'TEMPORARY') FROM pg_database WHERE datname = @d", admin))
        {
            exists.Parameters.AddWithValue("d", database);
            if (await exists.ExecuteScalarAsync(ct) is not true)
            {
                return false;
            }
        }

        // The same lock as the readonly grants on this database: concurrent GRANT and REVOKE on one
        // database fail with "tuple concurrently updated".
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_lock(hashtext(@g))", admin))
        {
            lockCmd.Parameters.AddWithValue("g", ReadonlyGroupFor(database));
            await lockCmd.ExecuteNonQueryAsync(ct);
        }

        await ExecAsync(admin, "REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC", ct, database);
        LogSourceProtected(logger, database);
        return true;
    }

    private static string Milliseconds(TimeSpan value) => ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    /// <summary>Removes the attempt's database and role; safe to call for things that do not exist, and so
    /// tried again on a fresh session when a pooled one turns out broken (the server restarted).</summary>
    public async Task DropAsync(string name, CancellationToken ct) =>
        await DropRetry.ExecuteAsync(async token =>
        {
            try
            {
                await DropOnceAsync(name, token);
            }
            catch (NpgsqlException e) when (IsBrokenSession(e))
            {
                ClearAdminPool();
                throw;
            }
        }, ct);

    private async Task DropOnceAsync(string name, CancellationToken ct)
    {
        await using var admin = new NpgsqlConnection(_admin);
        await admin.OpenAsync(ct);
        await using (var kill = new NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = @r OR datname = @r", admin))
        {
            kill.Parameters.AddWithValue("r", name);
            await kill.ExecuteNonQueryAsync(ct);
        }

        await ExecAsync(admin, "DROP DATABASE IF EXISTS %I WITH (FORCE)", ct, name);
        await ExecAsync(admin, "DROP ROLE IF EXISTS %I", ct, name);
    }

    /// <summary>Roles and databases whose names carry this host's tag.</summary>
    public async Task<IReadOnlyCollection<string>> ListOwnAsync(string hostTag, CancellationToken ct)
    {
        await using var admin = new NpgsqlConnection(_admin);
        await admin.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(
            "SELECT rolname FROM pg_roles WHERE starts_with(rolname, @p) UNION SELECT datname FROM pg_database WHERE starts_with(datname, @p)", admin);
        cmd.Parameters.AddWithValue("p", $"{SandboxNames.Prefix}{hostTag}_");
        var names = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    public static string ReadonlyGroupFor(string referenceDatabase) =>
        ReadonlyGroupPrefix + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(referenceDatabase)))[..16];

    /// <summary>A NOLOGIN group per reference database holds the read rights, so a temporary role owns
    /// and is granted nothing itself and can always be dropped with one statement.</summary>
    private async Task<string> EnsureReadonlyGroupAsync(string referenceDatabase, IReadOnlyList<string> schemas, string checkerRole, CancellationToken ct)
    {
        var group = ReadonlyGroupFor(referenceDatabase);
        await using var admin = new NpgsqlConnection(_admin);
        await admin.OpenAsync(ct);
        // Concurrent GRANTs on one object fail with "tuple concurrently updated", so runners take turns.
        // A session lock, not a transaction: the role must be committed before the reference database's
        // own connection can grant to it.
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_lock(hashtext(@g))", admin))
        {
            lockCmd.Parameters.AddWithValue("g", group);
            await lockCmd.ExecuteNonQueryAsync(ct);
        }

        try
        {
            await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_roles WHERE rolname = @g", admin))
            {
                exists.Parameters.AddWithValue("g", group);
                if (await exists.ExecuteScalarAsync(ct) is null)
                {
                    await ExecAsync(admin, "CREATE ROLE %I NOLOGIN", ct, group);
                }
            }

            await ExecAsync(admin, "GRANT CONNECT ON DATABASE %I TO %I", ct, referenceDatabase, group);
            // The checker makes its temporary view there; the student's group gets no TEMPORARY.
            await ExecAsync(admin, "GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I", ct, referenceDatabase, checkerRole);
            await using var reference = new NpgsqlConnection(_options.ConnectionString(referenceDatabase));
            await reference.OpenAsync(ct);
            foreach (var schema in schemas)
            {
                await ExecAsync(reference, "GRANT USAGE ON SCHEMA %I TO %I", ct, schema, group);
                await ExecAsync(reference, "GRANT SELECT ON ALL TABLES IN SCHEMA %I TO %I", ct, schema, group);
            }
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtext(@g))", admin);
            unlock.Parameters.AddWithValue("g", group);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }

        return group;
    }

    /// <summary>Has PostgreSQL quote the arguments into the template (%I identifiers, %L literals),
    /// then runs the result. DDL takes no bind parameters, and this keeps quoting out of our hands.
    /// One round trip: the formatted statement goes into a transaction-local setting, which a DO block
    /// (it takes no parameters) runs, both in one batch and so in one implicit transaction. PostgreSQL
    /// refuses CREATE and DROP DATABASE inside a DO block, so those are formatted first and sent after.</summary>
    internal static async Task ExecAsync(NpgsqlConnection connection, string template, CancellationToken ct, params string[] args)
    {
        if (template.StartsWith("CREATE DATABASE ", StringComparison.Ordinal) || template.StartsWith("DROP DATABASE ", StringComparison.Ordinal))
        {
            string sql;
            await using (var format = new NpgsqlCommand("SELECT format(@t, VARIADIC @a)", connection))
            {
                format.Parameters.AddWithValue("t", template);
                format.Parameters.AddWithValue("a", args);
                sql = (string)(await format.ExecuteScalarAsync(ct))!;
            }

            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(ct);
            return;
        }

        await using var batch = new NpgsqlBatch(connection);
        var formatted = new NpgsqlBatchCommand("SELECT set_config('grader.statement', format(@t, VARIADIC @a), true)");
        formatted.Parameters.AddWithValue("t", template);
        formatted.Parameters.AddWithValue("a", args);
        batch.BatchCommands.Add(formatted);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DO $run$BEGIN EXECUTE current_setting('grader.statement'); END$run$"));
        await batch.ExecuteNonQueryAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Took CONNECT and TEMPORARY on assignment database {Database} from PUBLIC")]
    private static partial void LogSourceProtected(ILogger logger, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database sandbox for task {TaskId} attempt {Attempt}: {Mode} on {Database} ({Origin})")]
    private static partial void LogSandboxCreated(ILogger logger, Guid taskId, int attempt, DatabaseMode mode, string database, string origin);
}
