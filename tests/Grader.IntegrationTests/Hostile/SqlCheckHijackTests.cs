using Grader.IntegrationTests.Grading;
using Grader.Sandbox;
using Npgsql;

namespace Grader.IntegrationTests.Hostile;

/// <summary>The SQL-check hijack: the app tries to own what the checks resolve names to, and plants a
/// view over a function that fakes rows and, run by a superuser, runs a command on the host.</summary>
[Collection(HostileCollection.Name)]
public sealed class SqlCheckHijackTests(HostileFixture grader) : IAsyncLifetime
{
    private const string PlantedFunction = """
        CREATE FUNCTION public.pwn() RETURNS integer LANGUAGE plpgsql AS $f$
        BEGIN
            RAISE WARNING 'grader-hijack ran in % as % superuser=%', current_database(), current_user, current_setting('is_superuser');
            IF current_setting('is_superuser') = 'on' THEN
                EXECUTE format('COPY (SELECT 1) TO PROGRAM %L', 'cat >/dev/null; id > /tmp/grader-hijack-' || current_database());
            END IF;
            RETURN 1;
        END $f$;
        """;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    [Fact]
    public async Task PlantedViewAndFunctionNeitherRunAsTheCheckerNorScore()
    {
        var assignment = await grader.DemoAssignmentAsync("hijack-sql", HostileAssignments.SqlHijack);
        var logBefore = HostileSupport.ServerLogLength();

        var task = await grader.RunAsync(new TaskSpec("student-hijack", assignment.Id, grader.Image("sql-hijack"), false));

        HostileAssignments.HijackRefused(task);
        // Nothing ran on the host, and the planted function never ran at all (it logs every call).
        Assert.Empty(HijackTraces(grader, logBefore));
    }

    /// <summary>What the planted function leaves when it runs in one of this grader's sandboxes: a file
    /// written on the host, or its line in the server's log since <paramref name="logOffset"/>.</summary>
    public static IReadOnlyList<string> HijackTraces(GraderFixture grader, long logOffset)
    {
        var prefix = $"{SandboxNames.Prefix}{SandboxNames.TagFor(grader.HostName)}_";
        var files = Directory.GetFiles("/tmp", $"grader-hijack-{prefix}*");
        var lines = HostileSupport.ServerLogSince(logOffset).Split('\n').Where(l => l.Contains($"grader-hijack ran in {prefix}", StringComparison.Ordinal));
        return [.. files, .. lines];
    }

    /// <summary>The two detectors above can fail: a superuser calling the same function leaves both traces.</summary>
    [Fact]
    public async Task PlantedFunctionRunBySuperuserLeavesTheTracesTheHijackTestLooksFor()
    {
        var scratch = $"grader_it_pwn_probe_{LocalStack.RunId}";
        await LocalStack.CreateDatabaseAsync(scratch, PlantedFunction);
        var marker = $"/tmp/grader-hijack-{scratch}";
        try
        {
            var logBefore = HostileSupport.ServerLogLength();
            await LocalStack.ExecAsync(scratch, "SELECT public.pwn()");
            Assert.True(File.Exists(marker));
            Assert.Contains($"grader-hijack ran in {scratch} as postgres superuser=on", HostileSupport.ServerLogSince(logBefore));
        }
        finally
        {
            File.Delete(marker);
            await LocalStack.DropDatabaseAsync(scratch);
        }
    }

    /// <summary>What a planted function gets if a check ever ran it: the checker's rights, which are none
    /// of the dangerous ones.</summary>
    [Fact]
    public async Task CheckerLoginCannotRunProgramsReadFilesWriteOrReachOtherDatabases()
    {
        var scratch = $"grader_it_chk_probe_{LocalStack.RunId}";
        var tag = SandboxNames.TagFor(grader.HostName);
        var checker = grader.Services.GetRequiredService<CheckerRole>();
        await LocalStack.CreateDatabaseAsync(scratch, "CREATE TABLE t (id int); INSERT INTO t VALUES (1);");
        await checker.EnsureAsync(tag, CancellationToken.None);
        await LocalStack.ExecAsync("postgres", $"GRANT CONNECT ON DATABASE \"{scratch}\" TO \"{CheckerRole.NameFor(tag)}\"");
        try
        {
            await using var connection = new NpgsqlConnection(await checker.ConnectionStringAsync(tag, scratch, CancellationToken.None));
            await connection.OpenAsync();
            Assert.Equal("off", await ScalarAsync(connection, "SELECT current_setting('is_superuser')"));
            Assert.Equal("1", await ScalarAsync(connection, "SELECT id::text FROM t"));
            foreach (var denied in new[]
            {
                "COPY (SELECT 1) TO PROGRAM 'id'", "SELECT pg_read_file('/etc/passwd')", "SELECT pg_ls_dir('/')",
                "INSERT INTO t VALUES (2)", "CREATE TABLE public.mine (id int)", "SET ROLE postgres", "ALTER ROLE CURRENT_USER SUPERUSER",
            })
            {
                var e = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(connection, denied));
                Assert.True(e.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"{denied}: {e.SqlState} {e.MessageText}");
            }

            foreach (var other in new[] { "postgres", grader.StateDatabase })
            {
                await using var elsewhere = new NpgsqlConnection(await checker.ConnectionStringAsync(tag, other, CancellationToken.None));
                var e = await Assert.ThrowsAsync<PostgresException>(() => elsewhere.OpenAsync());
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
            }
        }
        finally
        {
            await LocalStack.DropDatabaseAsync(scratch);
        }
    }

    private static async Task<string?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())?.ToString();
    }
}
