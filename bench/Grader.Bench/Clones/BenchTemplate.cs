using System.Diagnostics;
using System.Globalization;
using Grader.Bench.Pipeline;
using Npgsql;

namespace Grader.Bench.Clones;

/// <summary>The benchmark's template databases on the stack's PostgreSQL. The large one is kept between
/// runs under a name that says what it is (building 1 GB takes a minute here); everything cloned from
/// it is dropped.</summary>
internal sealed class BenchTemplate(Dictionary<string, string> env)
{
    public const string CachedPrefix = "grader_bench_clones_cached_";

    public string ConnectionString(string database)
    {
        var builder = StackEnvironment.Database(env, database);
        builder.CommandTimeout = 600;
        return builder.ConnectionString;
    }

    /// <summary>A template of about <paramref name="megabytes"/> MB (rows of about 1 KB in one table with
    /// an index, the shape of a course dump), built once and reused.</summary>
    public async Task<(string Name, long Bytes)> EnsureAsync(int megabytes)
    {
        var name = $"{CachedPrefix}{megabytes}mb";
        if (await ScalarAsync<long?>("postgres", "SELECT pg_database_size(@n) FROM pg_database WHERE datname = @n", ("n", name)) is { } bytes)
        {
            return (name, bytes);
        }

        Console.WriteLine($"Building the {megabytes} MB template {name} (kept for later runs)...");
        var clock = Stopwatch.StartNew();
        await ExecAsync("postgres", $"DROP DATABASE IF EXISTS {name}_building WITH (FORCE)");
        await ExecAsync("postgres", $"CREATE DATABASE {name}_building");
        var rows = megabytes * 1000L;
        await ExecAsync($"{name}_building", $"""
            CREATE TABLE posts (id bigint PRIMARY KEY, title text NOT NULL, body text NOT NULL);
            INSERT INTO posts SELECT g, 'post ' || g, repeat(md5(g::text), 28) FROM generate_series(1, {rows}) g;
            CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL);
            """);
        await ExecAsync($"{name}_building", "VACUUM ANALYZE posts");
        // Renamed only when complete, so an interrupted build is never taken for the template.
        await ExecAsync("postgres", $"ALTER DATABASE {name}_building RENAME TO {name}");
        await ExecAsync("postgres", $"REVOKE CONNECT, TEMPORARY ON DATABASE {name} FROM PUBLIC");
        var size = (await ScalarAsync<long?>("postgres", "SELECT pg_database_size(@n)", ("n", name)))!.Value;
        Console.WriteLine($"  built in {clock.Elapsed.TotalSeconds:0} s: {size / 1048576} MB");
        return (name, size);
    }

    /// <summary>One cold clone with the given strategy, timed, then dropped.</summary>
    public async Task<double> CloneOnceAsync(string template, string strategy, int i)
    {
        var target = $"grader_bench_clones_cold_{Environment.ProcessId}_{i}";
        var clock = Stopwatch.StartNew();
        await ExecAsync("postgres", $"CREATE DATABASE {target} TEMPLATE {template} STRATEGY {strategy}");
        var ms = clock.Elapsed.TotalMilliseconds;
        await ExecAsync("postgres", $"DROP DATABASE {target} WITH (FORCE)");
        return ms;
    }

    public async Task ExecAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string database, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (n, v) in parameters)
        {
            command.Parameters.AddWithValue(n, v);
        }

        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default! : (T)result;
    }
}
