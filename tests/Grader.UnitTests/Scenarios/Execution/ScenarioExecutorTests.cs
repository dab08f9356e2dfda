using System.Net;
using Grader.Scenarios.Suites;

namespace Grader.UnitTests.Scenarios.Execution;

public class ScenarioExecutorTests
{
    private static readonly Uri Base = new("http://10.0.0.5:8000/");

    private static Scenario Suite(string steps)
    {
        var result = SuiteParser.Parse("version: 1\nscenarios:\n  - id: flow\n    title: Flow\n" + steps);
        Assert.Empty(result.Errors);
        return result.Scenarios[0];
    }

    private static async Task<List<StepResult>> RunAsync(Scenario scenario, FakeApp app, FakeSqlChecks? sql = null)
    {
        var executor = new ScenarioExecutor(app.Client(), 1024, sql, new Uri("http://localhost:8000/"));
        var results = new List<StepResult>();
        await foreach (var result in executor.RunAsync(Base, scenario, 1, TimeSpan.FromSeconds(5), CancellationToken.None))
        {
            results.Add(result);
        }

        return results;
    }

    /// <summary>POST returns id 101 (a number); GET /items/101 returns it; anything else is 404.</summary>
    private static FakeApp ItemsApp(HttpStatusCode createStatus = HttpStatusCode.Created) => new((request, body) => Task.FromResult(
        (request.Method.Method, request.RequestUri!.AbsolutePath) switch
        {
            ("POST", "/items") => FakeApp.Json(createStatus, """{"id": 101, "name": "New"}""", ("Location", "/items/101")),
            ("GET", "/items/101") => FakeApp.Json(HttpStatusCode.OK, """{"id": 101, "name": "New"}"""),
            ("DELETE", "/items/101") => new HttpResponseMessage(HttpStatusCode.NoContent),
            _ => FakeApp.Json(HttpStatusCode.NotFound, """{"error": "not found"}"""),
        }));

    private const string Flow = """
            steps:
              - title: create
                request: { method: POST, path: /items, json: { name: New } }
                expect: { status: 201 }
                capture: { id: $.id, location: { header: Location } }
              - request: { method: GET, path: "/items/{{id}}" }
                expect: { status: 200, body: { id: "{{id}}", name: New } }
                points: 2
              - request: { method: POST, path: /links, json: { item: "{{id}}", at: "{{location}}" } }
                expect: { status: 404 }
              - request: { method: GET, path: /other }
                expect: { status: 404 }
        """;

    [Fact]
    public async Task CapturedNumberStaysANumberInPathsBodiesAndExpectations()
    {
        var app = ItemsApp();

        var results = await RunAsync(Suite(Flow), app);

        Assert.All(results, r => Assert.Equal(StepOutcome.Passed, r.Outcome));
        Assert.Equal(("POST", "/links", """{"item":101,"at":"/items/101"}"""), app.Requests[2]);
        Assert.Equal("/items/101", app.Requests[1].Url);
        Assert.Equal(new Dictionary<string, string> { ["id"] = "101", ["location"] = "\"/items/101\"" }, results[0].Captures);
        Assert.Equal(("GET /items/101", "Flow (step 2)", "Flow: create"), (results[1].Request, results[1].Title, results[0].Title));
        Assert.Equal([1m, 2m, 1m, 1m], results.Select(r => r.Points));
        Assert.All(results, r => Assert.Null(r.Curl));
    }

    [Fact]
    public async Task StepsNeedingACaptureOfAFailedStepAreBlockedWithoutPointsOrDiff()
    {
        var results = await RunAsync(Suite(Flow), ItemsApp(createStatus: HttpStatusCode.OK));

        Assert.Equal([StepOutcome.Failed, StepOutcome.Blocked, StepOutcome.Blocked, StepOutcome.Passed], results.Select(r => r.Outcome));
        var blocked = results[1];
        Assert.Equal("Blocked: needs {{id}} from step 1 (create), which failed.", blocked.Message);
        Assert.Equal((0m, 2m), (blocked.Points, blocked.MaxPoints));
        Assert.Empty(blocked.Mismatches);
        Assert.Null(blocked.Curl);
        Assert.Null(blocked.StatusCode);
        Assert.Equal("GET /items/{{id}}", blocked.Request);
        // The failed step still shows what it captured, for the student to see; later steps do not use it.
        Assert.Equal("101", results[0].Captures!["id"]);
    }

    [Fact]
    public async Task FailedStepShowsItsRequestAsCurlAndEveryMismatchWithTypes()
    {
        var app = new FakeApp((_, _) => Task.FromResult(FakeApp.Json(HttpStatusCode.OK, """{"name": "it's", "n": "1"}""")));
        var scenario = Suite("""
                steps:
                  - request: { method: PUT, path: /items/1, query: { q: a b }, headers: { X-Token: t }, json: { name: "it's" } }
                    expect: { status: 201, body: { name: "it's", n: 1, extra: "#present" } }
            """);

        var step = Assert.Single(await RunAsync(scenario, app));

        Assert.Equal(StepOutcome.Failed, step.Outcome);
        Assert.Equal("curl -i -X PUT 'http://localhost:8000/items/1?q=a%20b' -H 'X-Token: t' -H 'Content-Type: application/json' --data-raw '{\"name\":\"it'\\''s\"}'", step.Curl);
        Assert.Equal([
            "status: status code mismatch; expected 201, got 200",
            "$.n: type mismatch: expected number, got string; expected 1 (number), got \"1\" (string)",
            "$.extra: missing key; expected #present (any), got (nothing) (missing)",
        ], step.Mismatches.Select(m => m.ToString()));
        Assert.Equal("3 differences from the expected answer.", step.Message);
    }

    [Fact]
    public async Task FailedStepCarriesItsExpectedBodyFilledWithTheCapturesForTheSideBySideDiff()
    {
        var scenario = Suite("""
                steps:
                  - request: { method: POST, path: /items, json: { name: New } }
                    expect: { status: 201, body: { id: "#number", name: New } }
                    capture: { id: $.id }
                  - request: { method: GET, path: "/items/{{id}}" }
                    expect: { status: 200, body: { id: "{{id}}", name: Other, at: "##datetime" } }
            """);

        // Twice: the second run's scenario comes compiled from the cache, as every later attempt's does.
        foreach (var _ in Enumerable.Range(0, 2))
        {
            var results = await RunAsync(scenario, ItemsApp());

            Assert.Equal([StepOutcome.Passed, StepOutcome.Failed], results.Select(r => r.Outcome));
            Assert.Null(results[0].ExpectedBody);
            Assert.Equal("""{"id":101,"name":"Other","at":"##datetime"}""", results[1].ExpectedBody);
        }
    }

    [Fact]
    public async Task FailedSetupBlocksEveryStepButTeardownStillRuns()
    {
        var app = new FakeApp((request, _) => Task.FromResult(request.RequestUri!.AbsolutePath == "/reset"
            ? new HttpResponseMessage(HttpStatusCode.InternalServerError)
            : new HttpResponseMessage(HttpStatusCode.OK)));
        var scenario = Suite("""
                setup: [{ request: { method: POST, path: /reset } }]
                steps: [{ request: { method: GET, path: /a } }, { request: { method: GET, path: /b } }]
                teardown: [{ request: { method: POST, path: /cleanup } }]
            """);

        var results = await RunAsync(scenario, app);

        Assert.Equal([(StepKind.Setup, StepOutcome.Failed), (StepKind.Step, StepOutcome.Blocked), (StepKind.Step, StepOutcome.Blocked), (StepKind.Teardown, StepOutcome.Passed)],
            results.Select(r => (r.Kind, r.Outcome)));
        Assert.Equal("Blocked: setup step 1 did not pass (failed).", results[1].Message);
        Assert.Equal(["/reset", "/cleanup"], app.Requests.Select(r => r.Url));
        Assert.All(results.Where(r => r.Kind != StepKind.Step), r => Assert.Equal(0m, r.MaxPoints));
        Assert.Equal("status: status code mismatch; expected 2xx, got 500", results[0].Mismatches.Single().ToString());
    }

    [Theory]
    [InlineData(3, StepOutcome.Passed, 3, null)]
    [InlineData(2, StepOutcome.Failed, 2, "Invalid HTTP status code (received 503, expected 200). (after 2 tries)")]
    public async Task RetryRepeatsTheStepUntilItPasses(int attempts, StepOutcome outcome, int requests, string? message)
    {
        var calls = 0;
        var app = new FakeApp((_, _) => Task.FromResult(new HttpResponseMessage(++calls < 3 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK)));
        var scenario = Suite($$"""
                steps: [{ request: { method: GET, path: /ready }, expect: { status: 200 }, retry: { attempts: {{attempts}}, interval: 10ms } }]
            """);

        var step = Assert.Single(await RunAsync(scenario, app));

        Assert.Equal((outcome, requests, message), (step.Outcome, app.Requests.Count, step.Message));
    }

    [Fact]
    public async Task StepTimeoutOverridesTheAssignmentsAndIsItsOwnOutcome()
    {
        var app = new FakeApp(async (_, _) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            return new HttpResponseMessage(HttpStatusCode.OK);
        });

        var step = Assert.Single(await RunAsync(Suite("    steps: [{ request: { method: GET, path: /slow }, timeout: 200ms }]\n"), app));

        Assert.Equal(StepOutcome.Timeout, step.Outcome);
        Assert.Equal("No complete answer within 0.2 s.", step.Message);
        Assert.InRange(step.DurationMs, 150, 2500);
        Assert.StartsWith("curl -i 'http://localhost:8000/slow'", step.Curl);
    }

    [Fact]
    public async Task SqlChecksUseTheStepsOwnCaptureAndReportRowsLikeBodies()
    {
        var sql = new FakeSqlChecks((_, _) => """[{"name": "NEW", "tags": ["b", "a"]}]""");
        var scenario = Suite("""
                steps:
                  - request: { method: POST, path: /items, json: { name: New } }
                    expect: { status: 201 }
                    capture: { id: $.id }
                    sql:
                      - title: the row is stored
                        query: SELECT name, tags FROM items WHERE id = @id
                        params: { id: "{{id}}" }
                        rows: [{ name: New, tags: [a, b] }]
            """);

        var step = Assert.Single(await RunAsync(scenario, ItemsApp(), sql));

        Assert.Equal(("SELECT name, tags FROM items WHERE id = @id", """{"id":101}"""), sql.Queries.Single());
        Assert.Equal(StepOutcome.Failed, step.Outcome);
        Assert.Equal([
            "sql[1] $[0].name: value mismatch (the row is stored); expected \"New\" (string), got \"NEW\" (string)",
            "sql[1] $[0].tags[0]: value mismatch (the row is stored); expected \"a\" (string), got \"b\" (string)",
            "sql[1] $[0].tags[1]: value mismatch (the row is stored); expected \"b\" (string), got \"a\" (string)",
        ], step.Mismatches.Select(m => m.ToString()));
    }

    [Fact]
    public async Task SqlCheckThatCannotRunIsAnErrorNotAWrongAnswer()
    {
        var sql = new FakeSqlChecks((_, _) => throw new FakeDbException("42P01: relation \"itemz\" does not exist"));
        var scenario = Suite("""
                steps:
                  - request: { method: GET, path: /items/101 }
                    sql: [{ query: SELECT 1 FROM itemz, rows: [] }]
            """);

        var step = Assert.Single(await RunAsync(scenario, ItemsApp(), sql));

        Assert.Equal(StepOutcome.Error, step.Outcome);
        Assert.Equal("SQL check 1 could not run: 42P01: relation \"itemz\" does not exist", step.Message);
    }

    [Fact]
    public async Task HeaderExpectationsUseMatchersAndNameTheHeader()
    {
        var scenario = Suite("""
                steps:
                  - request: { method: POST, path: /items }
                    expect: { status: 201, headers: { location: "#regex /items/\\d+", X-Missing: "#present", Content-Type: application/json; charset=utf-8 } }
            """);

        var step = Assert.Single(await RunAsync(scenario, ItemsApp()));

        Assert.Equal(["headers.X-Missing: missing key; expected #present (any), got (nothing) (missing)"], step.Mismatches.Select(m => m.ToString()));
    }

    [Fact]
    public async Task InvalidJsonIsAnErrorAndAConnectionFailureToo()
    {
        var html = new FakeApp((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>") }));
        var refused = new FakeApp((_, _) => throw new HttpRequestException("Connection refused"));
        var scenario = Suite("    steps: [{ request: { method: GET, path: / }, expect: { body: { a: 1 } } }]\n");

        Assert.Equal(StepOutcome.Error, (await RunAsync(scenario, html)).Single().Outcome);
        var step = (await RunAsync(scenario, refused)).Single();
        Assert.Equal((StepOutcome.Error, "The request failed: Connection refused"), (step.Outcome, step.Message));
    }
}
