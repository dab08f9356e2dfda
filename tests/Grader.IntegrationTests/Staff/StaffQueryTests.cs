using Grader.Database;
using Grader.Silo.Storage;
using Grader.Web.Queries;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Grader.IntegrationTests.Staff;

/// <summary>Issue 14's saved queries on a real, migrated grader database: each shipped query runs, the
/// stuck-task query finds the one stuck task, and the reader role holds against an admin's worst text.</summary>
public sealed class StaffQueryTests : IAsyncLifetime
{
    private readonly string _database = $"grader_it_queries_{LocalStack.RunId}";
    private GraderDataSource? _source;
    private QueryReaderRole? _reader;

    private QueryRunner Runner { get; set; } = null!;

    public async Task InitializeAsync()
    {
        await LocalStack.CreateDatabaseAsync(_database);
        var options = Options.Create(new DatabaseOptions
        {
            Host = LocalStack.Get("Database__Host"),
            Port = int.Parse(LocalStack.Get("Database__Port"), System.Globalization.CultureInfo.InvariantCulture),
            Username = LocalStack.Get("Database__Username"),
            Password = LocalStack.Get("Database__Password"),
            Name = _database,
        });
        await new SchemaMigrator(options, NullLogger<SchemaMigrator>.Instance).ApplyAsync(options.Value.ConnectionString(), CancellationToken.None);
        _source = new GraderDataSource(options);
        _reader = new QueryReaderRole(options);
        Runner = new QueryRunner(_reader, new AuditLog(_source), Options.Create(new QueryOptions { StatementTimeout = TimeSpan.FromSeconds(2), MaxRows = 50 }));
    }

    public async Task DisposeAsync()
    {
        _source?.Dispose();
        await LocalStack.DropDatabaseAsync(_database);
        if (_reader is not null)
        {
            await LocalStack.ExecAsync("postgres", $"DROP ROLE IF EXISTS {_reader.Name}");
        }
    }

    [Fact]
    public async Task EveryShippedQueryRunsAndTheStuckOneFindsExactlyTheStuckTask()
    {
        var stuck = await SeedTaskAsync("Testing", TimeSpan.FromMinutes(40));
        await SeedTaskAsync("Testing", TimeSpan.FromMinutes(1));
        await SeedTaskAsync("Completed", TimeSpan.FromMinutes(90));

        foreach (var query in new SavedQueryCatalog().All)
        {
            var arguments = query.Parameters.ToDictionary(p => p.Name, p => p.Bind(null).Value);
            var result = await Runner.RunSavedAsync(query, arguments, "staff-1", CancellationToken.None);
            Assert.True(result.Error is null, $"{query.Name}: {result.Error}");
        }

        var found = await Runner.RunSavedAsync(new SavedQueryCatalog().Find("stuck-tasks")!, new Dictionary<string, object?> { ["minutes"] = 15L }, "staff-1", CancellationToken.None);
        var taskColumn = found.Columns.ToList().IndexOf("task_id");
        Assert.Equal([stuck.ToString()], found.Rows.Select(r => r[taskColumn]));
        Assert.Equal(6L, await LocalStack.ScalarAsync<long>(_database, "SELECT count(*) FROM audit_log WHERE actor = 'staff-1' AND action = 'query.saved'"));
    }

    [Theory]
    [InlineData("SELECT password_hash FROM auth_users", "permission denied")]
    [InlineData("SELECT * FROM orleansstorage", "permission denied")]
    [InlineData("SELECT pg_read_file('/etc/passwd')", "permission denied")]
    [InlineData("SELECT lo_import('/etc/passwd')", "permission denied")]
    [InlineData("SELECT pg_sleep(30)", "limit and was cancelled")]
    [InlineData("SELECT set_config('statement_timeout', '0', false), pg_sleep(30)", "limit and was cancelled")]
    [InlineData("SELECT 1; COPY (SELECT 1) TO PROGRAM 'id'", "One statement only")]
    [InlineData("DELETE FROM task_summary RETURNING task_id", "syntax error")]
    public async Task HostileAdHocTextIsRefusedNothingChangesAndTheRunIsAudited(string text, string refusal)
    {
        var before = await SeedTaskAsync("Completed", TimeSpan.FromMinutes(5));

        var result = await Runner.RunAdHocAsync(text, "admin-1", CancellationToken.None);

        Assert.NotNull(result.Error);
        Assert.Contains(refusal, result.Error, StringComparison.Ordinal);
        Assert.Equal(1L, await LocalStack.ScalarAsync<long>(_database, "SELECT count(*) FROM task_summary WHERE task_id = @id", ("id", before)));
        var audited = await LocalStack.ScalarAsync<string>(_database, "SELECT detail FROM audit_log WHERE actor = 'admin-1' AND action = 'query.ad-hoc' ORDER BY id DESC LIMIT 1");
        Assert.StartsWith("refused: ", audited, StringComparison.Ordinal);
        Assert.EndsWith(text, audited, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdHocSelectReadsGrainStateAndIsCutAtTheRowLimit()
    {
        for (var i = 0; i < 60; i++)
        {
            await SeedTaskAsync("Completed", TimeSpan.FromMinutes(i));
        }

        var result = await Runner.RunAdHocAsync("SELECT task_id, score FROM task_summary ORDER BY created_at;", "admin-2", CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Equal(["task_id", "score"], result.Columns);
        Assert.Equal(50, result.Rows.Count);
        Assert.True(result.Truncated);
    }

    private Task<Guid> SeedTaskAsync(string status, TimeSpan age) => ReadModelRows.InsertTaskAsync(_database, status, age);
}
