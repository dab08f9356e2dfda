using System.Data.Common;
using System.Globalization;
using Npgsql;

namespace Grader.Scenarios.Execution;

/// <summary>A check that the grader would not run, because it would read something a student can plant.</summary>
public sealed class SqlCheckRefusedException(string message) : DbException(message);

/// <summary>SQL checks on the attempt's database as the host's checker login (see
/// <see cref="Sandbox.CheckerRole"/>): no superuser, no owner, read rights only. The student's database
/// still holds objects the student made, and a function in a view runs with its caller's rights, so a
/// check runs in three moves inside one transaction that is always rolled back:
/// 1. the session pins everything a student could have set for it (search_path with pg_catalog first,
///    row_security off, timeouts, standard strings);
/// 2. the query becomes a temporary view, which fixes the objects it reads by identity, and the view's
///    dependencies are checked: every relation is an ordinary table without row-level security (or a
///    system catalog), every function, operator, type or collation is built in, every column has a
///    built-in type (a student's type could carry a cast to json that runs their code);
/// 3. only then, READ ONLY, the rows of that very view are read, as JSON made by PostgreSQL.</summary>
public sealed class SandboxSqlChecks(Func<CancellationToken, Task<string>> connectionString, IReadOnlyList<string> schemas, TimeSpan timeout) : ISqlChecks
{
    private const string View = "pg_temp.grader_check";

    private const string DependenciesSql = """
        SELECT o.type, o.identity, coalesce(o.schema, ''), coalesce(c.relkind::pg_catalog.text, ''), coalesce(c.relrowsecurity, false)
        FROM pg_catalog.pg_rewrite r
        JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND d.objid = r.oid
        CROSS JOIN LATERAL pg_catalog.pg_identify_object(d.refclassid, d.refobjid, 0) o
        LEFT JOIN pg_catalog.pg_class c ON d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND c.oid = d.refobjid
        WHERE r.ev_class = 'pg_temp.grader_check'::pg_catalog.regclass
          AND NOT (d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjid = r.ev_class)
        """;

    private const string ColumnTypesSql = """
        SELECT a.attname::pg_catalog.text, pg_catalog.format_type(a.atttypid, a.atttypmod)
        FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
        WHERE a.attrelid = 'pg_temp.grader_check'::pg_catalog.regclass AND a.attnum > 0
          AND t.typnamespace <> 'pg_catalog'::pg_catalog.regnamespace
        ORDER BY a.attnum
        """;

    public async Task<string> QueryRowsAsync(string query, string? parametersJson, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(await connectionString(ct));
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await PinSessionAsync(connection, transaction, ct);
        var sql = CheckQueryText.Inline(query.Trim().TrimEnd(';'), parametersJson);
        await ExecAsync(connection, transaction, $"CREATE VIEW {View} AS {sql}\n", ct);
        await VerifyAsync(connection, transaction, ct);
        await ExecAsync(connection, transaction, "SET TRANSACTION READ ONLY", ct);
        await using var read = new NpgsqlCommand(
            $"SELECT COALESCE(pg_catalog.json_agg(q), '[]'::pg_catalog.json)::pg_catalog.text FROM {View} AS q", connection, transaction);
        var rows = (string)(await read.ExecuteScalarAsync(ct))!;
        await transaction.RollbackAsync(ct);
        return rows;
    }

    private async Task PinSessionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        // pg_temp last: only this session can create there, and it must not shadow the student's names.
        var path = string.Join(", ", ["pg_catalog", .. schemas.Select(QuoteIdentifier), "pg_temp"]);
        var ms = ((int)timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        await using var pin = new NpgsqlCommand("""
            SELECT pg_catalog.set_config('search_path', @path, true), pg_catalog.set_config('row_security', 'off', true),
                   pg_catalog.set_config('statement_timeout', @ms, true), pg_catalog.set_config('lock_timeout', @ms, true),
                   pg_catalog.set_config('standard_conforming_strings', 'on', true),
                   pg_catalog.set_config('idle_in_transaction_session_timeout', @ms, true)
            """, connection, transaction);
        pin.Parameters.AddWithValue("path", path);
        pin.Parameters.AddWithValue("ms", ms);
        await pin.ExecuteNonQueryAsync(ct);
    }

    private static async Task VerifyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using (var dependencies = new NpgsqlCommand(DependenciesSql, connection, transaction))
        await using (var reader = await dependencies.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var problem = CheckDependencies.Problem(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetBoolean(4));
                if (problem is not null)
                {
                    throw new SqlCheckRefusedException(problem);
                }
            }
        }

        await using var columns = new NpgsqlCommand(ColumnTypesSql, connection, transaction);
        await using var typed = await columns.ExecuteReaderAsync(ct);
        if (await typed.ReadAsync(ct))
        {
            throw new SqlCheckRefusedException(
                $"refused: column \"{typed.GetString(0)}\" has the type {typed.GetString(1)}, which is not built in; cast it in the query (for example {typed.GetString(0)}::text).");
        }
    }

    private static async Task ExecAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
