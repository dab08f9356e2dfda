using Grader.Sandbox;
using Npgsql;

namespace Grader.IntegrationTests.Hostile;

/// <summary>The SQL-check hijack: the app tries to own what the checks resolve names to, and plants a
/// view over a function that fakes rows and, run by a superuser, runs a command on the host.</summary>
[Collection(HostileDatabaseCollection.Name)]
public sealed class SqlCheckHijackTests(HostileDatabaseFixture grader) : IAsyncLifetime
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

    private static string ServerLog => Path.Combine(LocalStack.Get("GRADER_HOME"), "log", "postgres.log");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    [Fact]
    public async Task PlantedViewAndFunctionNeitherRunAsTheCheckerNorScore()
    {
        var assignment = await grader.DemoAssignmentAsync("hijack-sql", a => a with
        {
            Scenarios =
            [
                new Scenario("attack", "What the app could do to its database", true, 10,
                [
                    new ScenarioStep(new StepRequest("GET", "/v1/attack"),
                        new StepExpectation([200], """{"createSchema": "42501", "alterDatabase": "42501", "plantedView": "done"}""")),
                ]),
                new Scenario("fake-store", "Stores an item (the app stores nothing)", true, 5,
                [
                    new ScenarioStep(new StepRequest("POST", "/v1/fake-items", """{"name": "Lifecycle"}"""),
                        new StepExpectation([201], """{"id": "#integer", "name": "Lifecycle", "tags": ["red", "green"], "created_at": "#datetime"}"""),
                        Points: 5, Captures: [new StepCapture("id", "$.id")],
                        SqlChecks: [new SqlCheck("SELECT name FROM items WHERE id = @id", """[{"name": "Lifecycle"}]""", """{"id": "{{id}}"}""")]),
                ]),
            ],
        });
        var logBefore = new FileInfo(ServerLog).Length;

        var task = await grader.RunAsync(new TaskSpec("student-hijack", assignment.Id, grader.Image("sql-hijack"), false));

        Assert.True(task.Status == GradingStatus.Completed, task.Message);
        var attack = Assert.Single(task.Steps, s => s.ScenarioId == "attack");
        Assert.True(attack.Outcome == StepOutcome.Passed, attack.ResponseBody);
        var fake = Assert.Single(task.Steps, s => s.ScenarioId == "fake-store");
        Assert.Equal(StepOutcome.Error, fake.Outcome);
        Assert.Contains("refused: the query reads public.items, which is a view, not a table", fake.Message);
        Assert.Equal(1m, task.Score);
        // Nothing ran on the host, and the planted function never ran at all (it logs every call).
        var database = SandboxNames.For(grader.HostName, task.Id, task.Attempt).Name;
        Assert.False(File.Exists($"/tmp/grader-hijack-{database}"), "the planted function ran a command on the host");
        Assert.DoesNotContain($"grader-hijack ran in {database}", ReadFrom(ServerLog, logBefore));
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
            var logBefore = new FileInfo(ServerLog).Length;
            await LocalStack.ExecAsync(scratch, "SELECT public.pwn()");
            Assert.True(File.Exists(marker));
            Assert.Contains($"grader-hijack ran in {scratch} as postgres superuser=on", ReadFrom(ServerLog, logBefore));
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

    private static string ReadFrom(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(offset, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
