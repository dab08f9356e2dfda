using System.Security.Cryptography;
using System.Text;
using Grader.Database;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Grader.Web.Queries;

/// <summary>The login staff queries run as: no superuser, owns nothing, and may SELECT only the grain
/// state view and the read model (never the accounts, sessions or tokens). Every web process of one
/// deployment derives the same password from the grader's own, so they do not re-key each other.</summary>
public sealed class QueryReaderRole(IOptions<DatabaseOptions> options)
{
    /// <summary>What staff may read; everything else in the grader's database stays out of reach.</summary>
    public static readonly IReadOnlyList<string> Readable = ["grain_state", "task_summary", "step_verdict", "assignment_summary", "queue_entry", "queue_user", "evaluation_summary", "evaluation_task", "host_slot_sample", "rejudge_summary", "rejudge_entry"];

    private readonly DatabaseOptions _options = options.Value;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private NpgsqlDataSource? _source;

    public string Name { get; } = "grader_reader_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.Name)))[..12];

    /// <summary>A pool of connections as the reader, made (and the role narrowed) on first use.</summary>
    public async Task<NpgsqlDataSource> SourceAsync(CancellationToken ct)
    {
        if (_source is { } ready)
        {
            return ready;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (_source is null)
            {
                var password = Password();
                await EnsureAsync(password, ct);
                _source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder
                {
                    Host = _options.Host,
                    Port = _options.Port,
                    Username = Name,
                    Password = password,
                    Database = _options.Name,
                    MaxPoolSize = 4,
                    Timeout = 10,
                    ApplicationName = "grader staff query",
                }.ConnectionString);
            }

            return _source;
        }
        finally
        {
            _gate.Release();
        }
    }

    private string Password() =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(_options.Password), Encoding.UTF8.GetBytes(Name))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private async Task EnsureAsync(string password, CancellationToken ct)
    {
        await using var admin = new NpgsqlConnection(_options.ConnectionString());
        await admin.OpenAsync(ct);
        await using var tx = await admin.BeginTransactionAsync(ct);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext(@r))", admin, tx))
        {
            lockCommand.Parameters.AddWithValue("r", Name);
            await lockCommand.ExecuteNonQueryAsync(ct);
        }

        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_roles WHERE rolname = @r", admin, tx))
        {
            exists.Parameters.AddWithValue("r", Name);
            if (await exists.ExecuteScalarAsync(ct) is null)
            {
                await ExecAsync(admin, $"CREATE ROLE {Name} LOGIN", ct);
            }
        }

        // Re-stated at every start, so a role someone widened by hand is narrowed again.
        // The name is hex and the password base64url, so both are safe as written here.
        await ExecAsync(admin, $"ALTER ROLE {Name} LOGIN PASSWORD '{password}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT CONNECTION LIMIT 8", ct);
        await ExecAsync(admin, $"ALTER ROLE {Name} SET default_transaction_read_only = on", ct);
        await ExecAsync(admin, $"GRANT CONNECT ON DATABASE \"{_options.Name.Replace("\"", "\"\"", StringComparison.Ordinal)}\" TO {Name}", ct);
        await ExecAsync(admin, $"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {Name}", ct);
        foreach (var relation in Readable)
        {
            await ExecAsync(admin, $"GRANT SELECT ON {relation} TO {Name}", ct);
        }

        await tx.CommitAsync(ct);
    }

    private static async Task ExecAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
