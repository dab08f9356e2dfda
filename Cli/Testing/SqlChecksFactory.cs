using Grader.Database;
using Grader.Scenarios.Execution;
using Npgsql;

namespace Grader.Cli.Testing;

/// <summary>The database the SQL checks read: a connection string, else the same DATABASE_* variables
/// the grader gives the app, else none (steps with SQL checks then say there is no database).</summary>
public static class SqlChecksFactory
{
    public static ISqlChecks? From(string? connectionString, Func<string, string?> environment)
    {
        var builder = connectionString is not null ? new NpgsqlConnectionStringBuilder(connectionString)
            : environment("DATABASE_HOST") is { } host ? new NpgsqlConnectionStringBuilder
            {
                Host = host,
                Port = int.TryParse(environment("DATABASE_PORT"), out var port) ? port : 5432,
                Database = environment("DATABASE_NAME"),
                Username = environment("DATABASE_USER"),
                Password = environment("DATABASE_PASSWORD"),
            }
            : null;
        if (builder?.Database is not { Length: > 0 } database)
        {
            return null;
        }

        var options = new DatabaseOptions { Host = builder.Host ?? "localhost", Port = builder.Port, Username = builder.Username ?? "", Password = builder.Password ?? "" };
        // The student's own database on their machine: the same checker rules (tables only, built-in functions).
        var connection = options.ConnectionString(database);
        return new SandboxSqlChecks(_ => Task.FromResult(connection), ["public"], options.SqlCheckTimeout);
    }
}
