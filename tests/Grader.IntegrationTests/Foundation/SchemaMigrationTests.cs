using Grader.Database;
using Grader.Silo.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Grader.IntegrationTests.Foundation;

public sealed class SchemaMigrationTests : IAsyncLifetime
{
    private readonly string _database = $"grader_it_schema_{LocalStack.RunId}";

    public Task InitializeAsync() => LocalStack.CreateDatabaseAsync(_database);

    public Task DisposeAsync() => LocalStack.DropDatabaseAsync(_database);

    [Fact]
    public async Task SchemaAppliesTwiceInARowAndFromManySilosAtOnce()
    {
        var connectionString = LocalStack.AdminConnectionString(_database);
        var migrator = new SchemaMigrator(Options.Create(new DatabaseOptions()), NullLogger<SchemaMigrator>.Instance);

        await migrator.ApplyAsync(connectionString, CancellationToken.None);
        await migrator.ApplyAsync(connectionString, CancellationToken.None);
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => migrator.ApplyAsync(connectionString, CancellationToken.None))));

        Assert.Equal(10L, await LocalStack.ScalarAsync<long>(_database, "SELECT count(*) FROM orleansquery"));
        Assert.Equal(0L, await LocalStack.ScalarAsync<long>(_database, "SELECT count(*) FROM grain_state"));
    }

    [Fact]
    public async Task GuidKeysInTheViewReadAsTheGrainsOwnIds()
    {
        await new SchemaMigrator(Options.Create(new DatabaseOptions()), NullLogger<SchemaMigrator>.Instance)
            .ApplyAsync(LocalStack.AdminConnectionString(_database), CancellationToken.None);
        var id = Guid.Parse("0c0f1e2d-3a4b-5c6d-7e8f-90a1b2c3d4e5");
        var bytes = id.ToByteArray();
        var n0 = BitConverter.ToInt64(bytes, 0);
        var n1 = BitConverter.ToInt64(bytes, 8);

        var text = await LocalStack.ScalarAsync<Guid>(_database, "SELECT grader_guid_key(@n0, @n1)", ("n0", n0), ("n1", n1));

        Assert.Equal(id, text);
    }
}
