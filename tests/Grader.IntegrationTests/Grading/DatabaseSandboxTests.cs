namespace Grader.IntegrationTests.Grading;

[Collection(GradingCollection.Name)]
public sealed class DatabaseSandboxTests(GraderFixture grader) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    private static ScenarioStep Step(string method, string path, int status, string? expected = null, string? body = null, MatchMode match = MatchMode.Exact) =>
        new(new StepRequest(method, path, body), new StepExpectation([status], expected, null, match));

    [Fact]
    public async Task IsolatedTasksRunningTogetherEachWriteOnlyTheirOwnDatabase()
    {
        // Each task creates a row, then must see exactly the two seeded rows plus its own: a shared
        // database would show the other task's row too.
        var assignment = await grader.DemoAssignmentAsync("isolated-writes", a => a with
        {
            Scenarios =
            [
                new Scenario("write-then-read", "Creates an item and lists", true, 1,
                [
                    Step("POST", "/v1/items", 201, """{"id": 101, "name": "#string", "tags": [], "created_at": "#datetime"}""", """{"name": "mine", "tags": []}"""),
                    Step("GET", "/v1/items", 200, """{"items": [{"id": 1}, {"id": 2}, {"id": 101, "name": "mine"}]}""", match: MatchMode.Lenient),
                ]),
            ],
        });

        var tasks = await Task.WhenAll(Enumerable.Range(0, 3).Select(i =>
            grader.RunAsync(new TaskSpec($"student-iso-{i}", assignment.Id, grader.Image("correct"), false))));

        Assert.All(tasks, t => Assert.All(t.Steps, s => Assert.Equal(StepOutcome.Passed, s.Outcome)));
        Assert.All(tasks, t => Assert.Equal(2, t.Steps.Count));
        // They really ran at the same time (the runner has four slots).
        var overlapping = tasks.Any(a => tasks.Any(b => a != b && a.StartedAt < b.FinishedAt && b.StartedAt < a.FinishedAt));
        Assert.True(overlapping, "the tasks ran one after another, so isolation was not exercised");
        Assert.Equal(2L, await LocalStack.ScalarAsync<long>(assignment.Database!, "SELECT count(*) FROM items"));
    }

    [Fact]
    public async Task ReadonlyModeReadsTheListedSchemasAndPostgresRefusesEverythingElse()
    {
        var reference = $"grader_it_ref_{LocalStack.RunId}";
        await LocalStack.CreateDatabaseAsync(reference, """
            CREATE TABLE things (id serial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now());
            CREATE SCHEMA catalog;
            CREATE TABLE catalog.products AS SELECT g AS id FROM generate_series(1, 3) g;
            CREATE SCHEMA secret;
            CREATE TABLE secret.data AS SELECT 1 AS id;
            """);
        try
        {
            await grader.PutAssignmentAsync(new AssignmentDefinition("readonly-ref", "Readonly reference", DatabaseMode.Readonly, reference,
                ["public", "catalog"], new Dictionary<string, string>(), 8000, null, 30, 10, new ResourceLimits(),
                [
                    new Scenario("read-listed", "Reads a listed schema", true, 4, [Step("GET", "/v1/catalog/catalog/products", 200, """{"count": 3}""")]),
                    new Scenario("read-public", "Reads public", true, 3, [Step("GET", "/v1/catalog/public/things", 200, """{"count": 0}""")]),
                    new Scenario("write-refused", "Cannot write", true, 2, [Step("POST", "/v1/catalog/public/things", 403, """{"error": "42501"}""")]),
                    new Scenario("unlisted-refused", "Cannot read an unlisted schema", true, 1, [Step("GET", "/v1/catalog/secret/data", 403, """{"error": "42501"}""")]),
                ]));

            var task = await grader.RunAsync(new TaskSpec("student-ro", "readonly-ref", grader.Image("correct"), false));

            Assert.True(task.Status == GradingStatus.Completed, task.Message);
            Assert.All(task.Steps, s => Assert.True(s.Outcome == StepOutcome.Passed, $"{s.ScenarioId}: {s.Message} {s.ResponseBody}"));
            Assert.Equal(0L, await LocalStack.ScalarAsync<long>(reference, "SELECT count(*) FROM things"));
        }
        finally
        {
            await LocalStack.DropDatabaseAsync(reference);
            await LocalStack.ExecAsync("postgres", $"DROP ROLE IF EXISTS \"{Grader.Sandbox.DatabaseSandbox.ReadonlyGroupFor(reference)}\"");
        }
    }

    [Fact]
    public async Task StudentContainerReachesPostgresButNoOtherHostService()
    {
        // A service listening on every host address, as a careless deployment might run one.
        using var exposed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Any, 0);
        exposed.Start();
        var port = ((System.Net.IPEndPoint)exposed.LocalEndpoint).Port;
        var gateway = LocalStack.Get("Database__StudentHost");
        var postgresPort = LocalStack.Get("Database__Port");
        await grader.DemoAssignmentAsync("hostile-probe", a => a with
        {
            Scenarios =
            [
                new Scenario("postgres", "Reaches PostgreSQL on the gateway", true, 2, [Step("GET", $"/v1/reach/{gateway}/{postgresPort}", 200, """{"reachable": true}""")]),
                new Scenario("other", "Cannot reach another host port", true, 1, [Step("GET", $"/v1/reach/{gateway}/{port}", 200, """{"reachable": false}""")]),
            ],
        });

        var task = await grader.RunAsync(new TaskSpec("student-hostile", "hostile-probe", grader.Image("correct"), false));

        Assert.All(task.Steps, s => Assert.True(s.Outcome == StepOutcome.Passed, $"{s.ScenarioId}: {s.ResponseBody}"));
    }
}
