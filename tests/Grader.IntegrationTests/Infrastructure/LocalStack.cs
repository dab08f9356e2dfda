using Grader.Testing;
using Npgsql;

namespace Grader.IntegrationTests.Infrastructure;

/// <summary>The real services the tests use: started (or found running) by infra/stack.sh, the same
/// script the README's commands use. Each test run gets its own ClusterId and databases.</summary>
public static class LocalStack
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Environment = new(StartAndReadEnvironment);

    /// <summary>Unique per test process: cluster ids and database names derive from it.</summary>
    public static string RunId { get; } = $"{DateTime.UtcNow:HHmmss}{Random.Shared.Next(1000, 9999)}";

    public static string RepoRoot => StackScripts.RepoRoot;

    public static IReadOnlyDictionary<string, string> Env => Environment.Value;

    public static string Get(string key) => Env.TryGetValue(key, out var value)
        ? value
        : throw new InvalidOperationException($"infra/stack.sh env did not print {key}");

    public static string AdminConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = Get("Database__Host"),
        Port = int.Parse(Get("Database__Port"), System.Globalization.CultureInfo.InvariantCulture),
        Username = Get("Database__Username"),
        Password = Get("Database__Password"),
        Database = database,
        Pooling = false,
    }.ConnectionString;

    // Test templates outlive the processes that made them (nothing drops them), so each run removes the ones
    // that are hours old and unused. Age, not run id, decides: several checkouts may be testing at once.
    private static readonly Lazy<Task> StaleTemplatesSwept = new(SweepStaleTemplatesAsync);

    public static async Task CreateDatabaseAsync(string name, string? sqlInside = null)
    {
        if (name.StartsWith(TemplatePrefix, StringComparison.Ordinal))
        {
            // Not awaited: a backlog of hundreds takes minutes to drop, and no test needs it gone.
            _ = StaleTemplatesSwept.Value;
        }

        await ExecAsync("postgres", $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        await ExecAsync("postgres", $"CREATE DATABASE \"{name}\"");
        await ExecAsync("postgres", $"REVOKE CONNECT ON DATABASE \"{name}\" FROM PUBLIC");
        if (sqlInside is not null)
        {
            await ExecAsync(name, sqlInside);
        }
    }

    private const string TemplatePrefix = "grader_it_tpl_";

    private static async Task SweepStaleTemplatesAsync()
    {
        var stale = new List<string>();
        await using (var connection = new NpgsqlConnection(AdminConnectionString()))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                SELECT d.datname FROM pg_database d
                WHERE d.datname LIKE 'grader\_it\_tpl\_%'
                  AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datid = d.oid)
                  AND (pg_stat_file('base/' || d.oid)).modification < now() - interval '3 hours'
                """, connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                stale.Add(reader.GetString(0));
            }
        }

        foreach (var name in stale)
        {
            try
            {
                await ExecAsync("postgres", $"DROP DATABASE IF EXISTS \"{name}\"");
            }
            catch (NpgsqlException)
            {
                // Another run is dropping it, or has just connected to it, or the server went away: either way
                // it is not ours to force, and the next run tries again.
            }
        }
    }

    public static Task DropDatabaseAsync(string name) => ExecAsync("postgres", $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");

    public static async Task ExecAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<T?> ScalarAsync<T>(string database, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }

    /// <summary>Runs a repo script and returns its standard output; fails the test with its output otherwise.</summary>
    public static string RunScript(string relativePath, params string[] args) => StackScripts.RunScript(relativePath, args);

    /// <summary>Runs a program and returns its standard output; fails the test with its output otherwise.</summary>
    public static string Run(string program, params string[] args) => StackScripts.Run(program, args);

    private static IReadOnlyDictionary<string, string> StartAndReadEnvironment()
    {
        RunScript("infra/stack.sh", "up");
        return StackScripts.ReadEnvironment();
    }
}
