using Grader.Database;
using Grader.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Grader.Sandbox.Clones;

/// <summary>Makes isolated databases, for an attempt that found no pooled clone and for the pool alike,
/// so a pooled clone is in exactly the state a fresh one is: the same role attributes and settings, the
/// same grants and owners. Only the login (LOGIN, password, expiry) is given at the claim.</summary>
public sealed partial class IsolatedClones(
    IOptions<DatabaseOptions> options,
    IOptions<ClonePoolOptions> poolOptions,
    PooledClones pool,
    ILogger<IsolatedClones> logger)
{
    private readonly DatabaseOptions _options = options.Value;
    private readonly ClonePoolOptions _pool = poolOptions.Value;

    // A template that someone is connected to cannot be cloned for a moment; that passes.
    private static readonly ResiliencePipeline TemplateBusyRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<PostgresException>(e => e.SqlState == PostgresErrorCodes.ObjectInUse),
            MaxRetryAttempts = 6,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(100),
            UseJitter = true,
        })
        .Build();

    /// <summary>Gives the attempt's role (still without a login) its own database named like it: a pooled
    /// clone of this exact template version renamed, or a fresh clone. True when the pool served it.</summary>
    public async Task<bool> CreateForAttemptAsync(NpgsqlConnection admin, string assignment, string template, IReadOnlyList<string> schemas,
        SandboxNames names, string checkerRole, CancellationToken ct)
    {
        var facts = (await ReadTemplatesAsync(admin, [template], ct)).FirstOrDefault();
        var taken = facts is not null && _pool.MaxPerAssignment > 0 ? pool.TryTake(new CloneKey(assignment, template, CloneKey.SchemasKey(schemas), facts.Version)) : null;
        pool.Arrived(names.TaskId);
        if (taken is { } clone)
        {
            try
            {
                // Nobody is connected to a pooled clone (PUBLIC has no CONNECT, the pool closed its own
                // session), so both renames take effect at once. Grants and owners follow the oids.
                await DatabaseSandbox.ExecAsync(admin, "ALTER DATABASE %I RENAME TO %I", ct, clone.Name, names.Name);
                await DatabaseSandbox.ExecAsync(admin, "ALTER ROLE %I RENAME TO %I", ct, clone.Name, names.Name);
                GraderTelemetry.CloneClaimed(names.HostTag, fromPool: true);
                LogTaken(logger, names.TaskId, names.Attempt, clone.Name, names.Name);
                return true;
            }
            catch (PostgresException e)
            {
                // Whichever half was renamed carries the attempt's name, the other the pool's: both go.
                LogTakeFailed(logger, e, clone.Name, names.Name);
                foreach (var name in new[] { names.Name, clone.Name })
                {
                    await DatabaseSandbox.ExecAsync(admin, "DROP DATABASE IF EXISTS %I WITH (FORCE)", ct, name);
                    await DatabaseSandbox.ExecAsync(admin, "DROP ROLE IF EXISTS %I", ct, name);
                }
            }
            finally
            {
                pool.Release(clone.Name);
            }
        }

        GraderTelemetry.CloneClaimed(names.HostTag, fromPool: false);
        await PrepareAsync(admin, names.Name, template, facts?.Bytes ?? 0, checkerRole, schemas, ct);
        return false;
    }

    /// <summary>A NOLOGIN role and its own clone of the template, both named <paramref name="name"/>.
    /// The clone belongs to the grader's login, not the student's: a database owner could CREATE schemas
    /// and ALTER DATABASE … SET search_path, and so decide what the SQL checks resolve names to. The role
    /// owns the cloned relations of the assignment's schemas instead and may CREATE in those schemas, so
    /// its own DDL (ALTER TABLE, new tables, indexes, migrations) works there.</summary>
    public async Task PrepareAsync(NpgsqlConnection admin, string name, string template, long templateBytes, string checkerRole,
        IReadOnlyList<string> schemas, CancellationToken ct)
    {
        await DatabaseSandbox.ExecAsync(admin, "CREATE ROLE %I NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION CONNECTION LIMIT " +
            _options.SandboxConnectionLimit.ToString(System.Globalization.CultureInfo.InvariantCulture), ct, name);
        await DatabaseSandbox.ApplyRoleSettingsAsync(admin, name, _options, ct);
        var strategy = ClonePlan.Sql(ClonePlan.StrategyFor(templateBytes, _pool.FileCopyAboveMb));
        await TemplateBusyRetry.ExecuteAsync(async token =>
            await DatabaseSandbox.ExecAsync(admin, "CREATE DATABASE %I TEMPLATE %I STRATEGY " + strategy, token, name, template), ct);
        await DatabaseSandbox.ExecAsync(admin, "REVOKE ALL ON DATABASE %I FROM PUBLIC", ct, name);
        await DatabaseSandbox.ExecAsync(admin, "GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I", ct, name, name);
        await DatabaseSandbox.ExecAsync(admin, "GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I", ct, name, checkerRole);
        await using var clone = new NpgsqlConnection(_options.ConnectionString(name));
        await clone.OpenAsync(ct);
        var owners = new List<string>();
        // Sequences that belong to a column (serial, identity) change owner with their table.
        await using (var relations = new NpgsqlCommand("""
            SELECT format('ALTER %s %I.%I OWNER TO %I',
                          CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                         WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, n.nspname, c.relname, @role)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY(@schemas) AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                              AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))
            """, clone))
        {
            relations.Parameters.AddWithValue("role", name);
            relations.Parameters.AddWithValue("schemas", schemas.ToArray());
            await using var reader = await relations.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                owners.Add(reader.GetString(0));
            }
        }

        foreach (var statement in owners)
        {
            await using var command = new NpgsqlCommand(statement, clone);
            await command.ExecuteNonQueryAsync(ct);
        }

        foreach (var schema in schemas)
        {
            await DatabaseSandbox.ExecAsync(clone, "GRANT USAGE, CREATE ON SCHEMA %I TO %I", ct, schema, name);
            await DatabaseSandbox.ExecAsync(clone, "GRANT ALL ON ALL TABLES IN SCHEMA %I TO %I", ct, schema, name);
            await DatabaseSandbox.ExecAsync(clone, "GRANT ALL ON ALL SEQUENCES IN SCHEMA %I TO %I", ct, schema, name);
        }
    }

    /// <summary>Version and size of each named template that exists (see <see cref="TemplateVersion"/>).</summary>
    public static async Task<IReadOnlyList<TemplateFacts>> ReadTemplatesAsync(NpgsqlConnection admin, IReadOnlyCollection<string> templates, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT d.datname, d.oid, COALESCE(s.tup_inserted + s.tup_updated + s.tup_deleted, 0), pg_database_size(d.oid)
            FROM pg_database d LEFT JOIN pg_stat_database s ON s.datid = d.oid
            WHERE d.datname = ANY(@names)
            """, admin);
        command.Parameters.AddWithValue("names", templates.ToArray());
        var facts = new List<TemplateFacts>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            facts.Add(new TemplateFacts(reader.GetString(0), new TemplateVersion(reader.GetFieldValue<uint>(1), reader.GetInt64(2)), reader.GetInt64(3)));
        }

        return facts;
    }

    /// <summary>Pooled clones of a host (databases and prepared roles) as the server has them.</summary>
    public async Task<IReadOnlyCollection<string>> ListPooledAsync(string hostTag, CancellationToken ct)
    {
        await using var admin = new NpgsqlConnection(_options.ConnectionString("postgres"));
        await admin.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(
            "SELECT rolname FROM pg_roles WHERE starts_with(rolname, @p) UNION SELECT datname FROM pg_database WHERE starts_with(datname, @p)", admin);
        cmd.Parameters.AddWithValue("p", SandboxNames.PoolPrefixFor(hostTag));
        var names = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} attempt {Attempt} took pooled clone {Clone} as {Database}")]
    private static partial void LogTaken(ILogger logger, Guid taskId, int attempt, string clone, string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pooled clone {Clone} could not become {Database}; cloning afresh")]
    private static partial void LogTakeFailed(ILogger logger, Exception e, string clone, string database);
}
