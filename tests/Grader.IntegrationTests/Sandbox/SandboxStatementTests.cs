using Grader.Sandbox;
using Npgsql;

namespace Grader.IntegrationTests.Sandbox;

/// <summary>The sandbox's DDL gets every name and password quoted by PostgreSQL's own format() (%I, %L),
/// in one round trip, or two for CREATE and DROP DATABASE: hostile text becomes exactly the object it
/// names, with exactly that password, and nothing else runs.</summary>
public sealed class SandboxStatementTests
{
    public static TheoryData<string, string> Hostile() => new()
    {
        { "q\"'; DROP ROLE postgres; --", "pw'; ALTER ROLE postgres NOLOGIN; --" },
        { "b\\\"\\'x", "back\\slash\\' E'\\x27" },
        { "d$run$; DO $$ $$", "$run$; DROP DATABASE postgres; $run$" },
        { "s; SELECT pg_sleep(30)", "x\"; SELECT 1; \"" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task HostileNameAndPasswordBecomeExactlyThatRoleAndDatabaseAndNothingElseRuns(string suffix, string password)
    {
        var ct = CancellationToken.None;
        var name = $"it_hostile_{LocalStack.RunId}_{suffix}";
        var canary = $"it_canary_{LocalStack.RunId}_{Math.Abs(suffix.GetHashCode(StringComparison.Ordinal))}";
        await using var admin = new NpgsqlConnection(LocalStack.AdminConnectionString());
        await admin.OpenAsync(ct);
        await DatabaseSandbox.ExecAsync(admin, "CREATE ROLE %I NOLOGIN", ct, canary);
        try
        {
            await DatabaseSandbox.ExecAsync(admin, "CREATE ROLE %I LOGIN PASSWORD %L NOSUPERUSER CONNECTION LIMIT 2", ct, name, password);
            await DatabaseSandbox.ExecAsync(admin, "CREATE DATABASE %I", ct, name);
            await DatabaseSandbox.ExecAsync(admin, "REVOKE ALL ON DATABASE %I FROM PUBLIC", ct, name);
            await DatabaseSandbox.ExecAsync(admin, "GRANT CONNECT ON DATABASE %I TO %I", ct, name, name);

            var student = new NpgsqlConnectionStringBuilder(LocalStack.AdminConnectionString(name)) { Username = name, Password = password };
            Assert.Equal($"{name}/{name}", await ScalarAsync<string>(student.ConnectionString, "SELECT current_user::text || '/' || current_database()"));
            var wrong = new NpgsqlConnectionStringBuilder(student.ConnectionString) { Password = password + "x" };
            await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync<string>(wrong.ConnectionString, "SELECT 1"));

            // Nothing spliced ran: the server's own login is untouched, the canary is still there, and
            // the hostile role has only what it was given.
            Assert.Equal(1L, await CountAsync(admin, "SELECT count(*) FROM pg_roles WHERE rolname = 'postgres' AND rolcanlogin AND rolsuper"));
            Assert.Equal(1L, await CountAsync(admin, "SELECT count(*) FROM pg_roles WHERE rolname = @n", canary));
            Assert.Equal(1L, await CountAsync(admin, "SELECT count(*) FROM pg_database WHERE datname = 'postgres'"));
            Assert.Equal(1L, await CountAsync(admin, "SELECT count(*) FROM pg_roles WHERE rolname = @n AND NOT rolsuper AND rolconnlimit = 2", name));
        }
        finally
        {
            await DatabaseSandbox.ExecAsync(admin, "DROP DATABASE IF EXISTS %I WITH (FORCE)", ct, name);
            await DatabaseSandbox.ExecAsync(admin, "DROP ROLE IF EXISTS %I", ct, name);
            await DatabaseSandbox.ExecAsync(admin, "DROP ROLE IF EXISTS %I", ct, canary);
        }

        Assert.Equal(0L, await CountAsync(admin, "SELECT count(*) FROM pg_roles WHERE rolname IN (@n, @c)", name, canary));
        Assert.Equal(0L, await CountAsync(admin, "SELECT count(*) FROM pg_database WHERE datname = @n", name));
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string sql, params string[] names)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (value, key) in names.Zip(new[] { "n", "c" }))
        {
            command.Parameters.AddWithValue(key, value);
        }

        return (long)(await command.ExecuteScalarAsync())!;
    }
}
