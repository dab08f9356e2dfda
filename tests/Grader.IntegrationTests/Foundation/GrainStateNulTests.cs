using Grader.Database;
using Grader.Silo.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Grader.IntegrationTests.Foundation;

/// <summary>A student's response may hold a NUL byte, which jsonb refuses; the README's grain_state
/// query must still work, and the stored state must still read back exactly.</summary>
public sealed class GrainStateNulTests : IAsyncLifetime
{
    private readonly string _database = $"grader_it_nul_{LocalStack.RunId}";

    public Task InitializeAsync() => LocalStack.CreateDatabaseAsync(_database);

    public Task DisposeAsync() => LocalStack.DropDatabaseAsync(_database);

    [Fact]
    public async Task TaskResultWithANulInAResponseBodyIsReadableThroughTheDocumentedView()
    {
        await new SchemaMigrator(Options.Create(new DatabaseOptions()), NullLogger<SchemaMigrator>.Instance)
            .ApplyAsync(LocalStack.AdminConnectionString(_database), CancellationToken.None);
        var body = "{\"name\":\"a\u0000b\",\"escaped\":\"\\\\u0000 stays text\"}\u0000";
        var state = new TaskState
        {
            Spec = new TaskSpec("nul-student", "nul-assignment", "students/nul:1", false),
            Status = GradingStatus.Failed,
            Steps = [new StepResult(1, "nul", 0, "NUL", false, StepOutcome.Failed, 0, 1, "GET /nul", 200, body,
                [new Mismatch("$.name", "value mismatch", "\"ab\"", "\"a\u0000b\"")], null, 1, DateTimeOffset.UtcNow)],
        };
        var payload = new JsonGrainStorageSerializer().Serialize(state).ToArray();
        var id = Guid.NewGuid();
        await InsertAsync(id, payload);

        // The README's query, verbatim.
        var failed = await LocalStack.ScalarAsync<string>(_database,
            "SELECT grain_key FROM grain_state WHERE state_name = 'task' AND state->>'Status' = 'Failed'");
        var shown = await LocalStack.ScalarAsync<string>(_database,
            "SELECT state->'Steps'->0->>'ResponseBody' FROM grain_state WHERE grain_key = @key", ("key", id.ToString()));
        var stored = await LocalStack.ScalarAsync<byte[]>(_database, "SELECT payloadbinary FROM orleansstorage");

        Assert.Equal(id.ToString(), failed);
        Assert.Equal(body.Replace('\u0000', '\u2400'), shown);
        var readBack = new JsonGrainStorageSerializer().Deserialize<TaskState>(new BinaryData(stored!));
        Assert.Equal(body, readBack.Steps[0].ResponseBody);
    }

    private async Task InsertAsync(Guid id, byte[] payload)
    {
        var bytes = id.ToByteArray();
        await using var connection = new NpgsqlConnection(LocalStack.AdminConnectionString(_database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO orleansstorage (serviceid, graintypestring, graintypehash, grainidhash, grainidn0, grainidn1, payloadbinary, version)
            VALUES ('grader', 'task', 0, 0, @n0, @n1, @payload, 1)
            """, connection);
        command.Parameters.AddWithValue("n0", BitConverter.ToInt64(bytes, 0));
        command.Parameters.AddWithValue("n1", BitConverter.ToInt64(bytes, 8));
        command.Parameters.AddWithValue("payload", payload);
        await command.ExecuteNonQueryAsync();
    }
}
