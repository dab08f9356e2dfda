using System.Globalization;
using System.Text.Json;
using Grader.Database;
using Npgsql;
using NpgsqlTypes;

namespace Grader.Scenarios.Execution;

/// <summary>SQL checks on the attempt's database through the grader's own login, inside a READ ONLY
/// transaction with a statement timeout that is always rolled back: a check can look, never change.
/// The student's role is not used, so a student cannot hide rows from the check with its own grants.</summary>
public sealed class SandboxSqlChecks(DatabaseOptions options, string database) : ISqlChecks
{
    public async Task<string> QueryRowsAsync(string query, string? parametersJson, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(options.ConnectionString(database));
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction))
        {
            await readOnly.ExecuteNonQueryAsync(ct);
        }

        await using (var timeout = new NpgsqlCommand("SELECT set_config('statement_timeout', @ms, true)", connection, transaction))
        {
            timeout.Parameters.AddWithValue("ms", ((int)options.SqlCheckTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
            await timeout.ExecuteNonQueryAsync(ct);
        }

        // PostgreSQL turns the rows into JSON itself, so every column type (timestamps, arrays, jsonb)
        // gets its standard JSON form. The query is the suite author's; parameters are bound.
        var sql = $"SELECT coalesce(json_agg(q), '[]'::json)::text FROM ({query.Trim().TrimEnd(';')}\n) AS q";
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        if (parametersJson is not null)
        {
            using var parameters = JsonDocument.Parse(parametersJson);
            foreach (var parameter in parameters.RootElement.EnumerateObject())
            {
                command.Parameters.Add(Bind(parameter.Name, parameter.Value));
            }
        }

        var rows = (string)(await command.ExecuteScalarAsync(ct))!;
        await transaction.RollbackAsync(ct);
        return rows;
    }

    private static NpgsqlParameter Bind(string name, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => new NpgsqlParameter(name, value.GetString()),
        JsonValueKind.Number when value.TryGetInt64(out var whole) => new NpgsqlParameter(name, whole),
        JsonValueKind.Number => new NpgsqlParameter(name, value.GetDecimal()),
        JsonValueKind.True or JsonValueKind.False => new NpgsqlParameter(name, value.GetBoolean()),
        JsonValueKind.Null => new NpgsqlParameter(name, DBNull.Value),
        _ => new NpgsqlParameter(name, NpgsqlDbType.Jsonb) { Value = value.GetRawText() },
    };
}
