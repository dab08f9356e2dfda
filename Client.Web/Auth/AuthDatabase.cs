using Grader.Database;
using Npgsql;

namespace Grader.Web.Auth;

/// <summary>The grader's PostgreSQL for the auth tables (Silo/Storage/Sql/003_auth.sql), pooled.</summary>
public sealed class AuthDatabase(GraderDataSource database)
{
    private readonly NpgsqlDataSource _source = database.Source;

    public NpgsqlCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = _source.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken ct) => _source.OpenConnectionAsync(ct);

}
