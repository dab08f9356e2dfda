namespace Grader.UnitTests.Assignments;

public class AssignmentValidatorTests
{
    [Fact]
    public void ValidAssignmentHasNoProblems()
    {
        Assert.Empty(AssignmentValidator.Validate(Valid()));
    }

    [Fact]
    public void EveryProblemIsListedAtOnce()
    {
        var broken = Valid() with
        {
            Id = "Bad Id!",
            Port = 0,
            StartupTimeoutSeconds = 0,
            RequestTimeoutSeconds = 301,
            DatabaseMode = DatabaseMode.Readonly,
            Database = null,
            Limits = new ResourceLimits(MemoryMb: 8),
            Environment = new Dictionary<string, string> { ["DATABASE_URL"] = "x", ["1BAD"] = "y", ["OK_NAME"] = "z" },
            Scenarios =
            [
                Scenario("s1", new ScenarioStep(
                    new StepRequest("FETCH", "items", JsonBody: "{bad"),
                    new StepExpectation([42, 600], JsonBody: "[1,", Ignore: ["$.a["]))),
                Scenario("s1", Step()),
                new Scenario("empty", "Empty", true, 0, []),
            ],
        };

        var errors = AssignmentValidator.Validate(broken);

        Assert.Contains("id 'Bad Id!' must be 1-64 lowercase letters, digits, '-' or '_'", errors);
        Assert.Contains("port 0 must be between 1 and 65535", errors);
        Assert.Contains("startupTimeoutSeconds 0 must be between 1 and 600", errors);
        Assert.Contains("requestTimeoutSeconds 301 must be between 1 and 300", errors);
        Assert.Contains("database mode Readonly needs a database name", errors);
        Assert.Contains("limits must allow at least 16 MB of memory, some CPU and 8 processes", errors);
        Assert.Contains("environment variable 'DATABASE_URL' is not a valid name or is reserved (DATABASE_*)", errors);
        Assert.Contains("environment variable '1BAD' is not a valid name or is reserved (DATABASE_*)", errors);
        Assert.Contains("scenario id 's1' is used 2 times", errors);
        Assert.Contains("scenario 'empty' has no steps", errors);
        Assert.Contains("scenario 's1' step 1: method 'FETCH' is not one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS", errors);
        Assert.Contains("scenario 's1' step 1: path 'items' must start with '/'", errors);
        Assert.Contains(errors, e => e.StartsWith("scenario 's1' step 1: request body is not valid JSON: ", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("scenario 's1' step 1: expected body is not valid JSON: ", StringComparison.Ordinal));
        Assert.Contains("scenario 's1' step 1: status 42 is not an HTTP status code", errors);
        Assert.Contains("scenario 's1' step 1: status 600 is not an HTTP status code", errors);
        Assert.Contains("scenario 's1' step 1: ignore: '$.a[' is not a valid JSONPath: '[' without a closing ']'.", errors);
        Assert.Equal(17, errors.Count);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("dbs-2025_hw1")]
    [InlineData("0")]
    public void WellFormedIdsAreAccepted(string id)
    {
        Assert.Empty(AssignmentValidator.Validate(Valid() with { Id = id }));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-a")]
    [InlineData("_a")]
    [InlineData("Dbs")]
    [InlineData("a b")]
    [InlineData("a.b")]
    public void MalformedIdsAreRejected(string id)
    {
        Assert.Equal([$"id '{id}' must be 1-64 lowercase letters, digits, '-' or '_'"], AssignmentValidator.Validate(Valid() with { Id = id }));
    }

    [Fact]
    public void IdLengthLimitIs64()
    {
        Assert.Empty(AssignmentValidator.Validate(Valid() with { Id = new string('a', 64) }));
        Assert.Single(AssignmentValidator.Validate(Valid() with { Id = new string('a', 65) }));
    }

    [Fact]
    public void ScenarioUsedThreeTimesIsReportedOnce()
    {
        var errors = AssignmentValidator.Validate(Valid() with { Scenarios = [Scenario("x", Step()), Scenario("x", Step()), Scenario("x", Step())] });

        Assert.Equal(["scenario id 'x' is used 3 times"], errors);
    }

    [Fact]
    public void MethodIsCaseInsensitive()
    {
        var step = Step() with { Request = new StepRequest("post", "/items", "{}") };

        Assert.Empty(AssignmentValidator.Validate(Valid() with { Scenarios = [Scenario("s", step)] }));
    }

    [Fact]
    public void AbsentOrEmptyExpectedBodyIsNotParsed()
    {
        var absent = Step() with { Expect = new StepExpectation([204]) };
        var empty = Step() with { Expect = new StepExpectation([204], JsonBody: "") };

        Assert.Empty(AssignmentValidator.Validate(Valid() with { Scenarios = [Scenario("a", absent), Scenario("b", empty)] }));
    }

    [Fact]
    public void IsolatedModeNeedsANonBlankTemplateName()
    {
        var errors = AssignmentValidator.Validate(Valid() with { DatabaseMode = DatabaseMode.Isolated, Database = "  " });

        Assert.Equal(["database mode Isolated needs a database name"], errors);
    }

    [Theory]
    [InlineData(16, 0.0, 8)]
    [InlineData(16, 0.5, 7)]
    [InlineData(15, 0.5, 8)]
    public void LimitsBelowTheMinimumAreRejected(int memory, double cpus, int pids)
    {
        var errors = AssignmentValidator.Validate(Valid() with { Limits = new ResourceLimits(memory, cpus, pids) });

        Assert.Equal(["limits must allow at least 16 MB of memory, some CPU and 8 processes"], errors);
    }

    [Fact]
    public void ErrorsOfSeveralStepsNameTheirStep()
    {
        var bad = Step() with { Request = new StepRequest("GET", "x") };
        var errors = AssignmentValidator.Validate(Valid() with { Scenarios = [Scenario("s", Step(), bad, bad)] });

        Assert.Equal(["scenario 's' step 2: path 'x' must start with '/'", "scenario 's' step 3: path 'x' must start with '/'"], errors);
    }

    [Fact]
    public void UnknownMatcherInExpectedBodyIsRejected()
    {
        var step = Step() with { Expect = new StepExpectation([200], """{"id":"#uuidd"}""") };

        var error = Assert.Single(AssignmentValidator.Validate(Valid() with { Scenarios = [Scenario("s", step)] }));

        Assert.Contains("#uuidd", error);
    }

    [Fact]
    public void FlowFeaturesSentAsJsonAreCheckedWithTheSuiteRules()
    {
        var create = new ScenarioStep(new StepRequest("POST", "/items", "{}"), new StepExpectation([201]),
            Captures: [new StepCapture("id", "$.items[*].id"), new StepCapture("bad name", Header: "Location")],
            Retry: new StepRetry(0, 1),
            SqlChecks: [new SqlCheck("SELECT * FROM items WHERE id = @id", """{"n": 1}""", """{"id": "{{id}}"}""")]);
        var read = new ScenarioStep(new StepRequest("GET", "/items/{{id}}/{{other}}"), new StepExpectation([200], Unordered: ["$.["]));

        var errors = AssignmentValidator.Validate(Valid() with { Scenarios = [Scenario("flow", create, read)] });

        Assert.Equal([
            "scenario 'flow' step 1: retry attempts 0 must be between 1 and 20",
            "scenario 'flow' step 1: capture 'id': '$.items[*].id' can name more than one value; a capture needs a path without '*' or '..'",
            "scenario 'flow' step 1: 'bad name' is not a valid variable name (letters, digits and '_', not starting with a digit)",
            "scenario 'flow' step 1: SQL check 1: SQL checks need a database, but the assignment's database mode is None",
            "scenario 'flow' step 1: SQL check 1: rows must be a JSON array of row objects",
            "scenario 'flow' step 2: unordered: '$.[' is not a valid JSONPath: a name is missing after '.' at position 1.",
            "scenario 'flow' step 2: {{other}} is used but no earlier step captures 'other'",
        ], errors);
    }

    private static AssignmentDefinition Valid() => new(
        "dbs-1",
        "Databases 1",
        DatabaseMode.None,
        null,
        [],
        new Dictionary<string, string> { ["NAME"] = "value" },
        AssignmentDefinition.DefaultPort,
        "/health",
        60,
        10,
        new ResourceLimits(),
        [Scenario("list", Step())]);

    private static Scenario Scenario(string id, params ScenarioStep[] steps) => new(id, "Title " + id, true, 0, steps);

    private static ScenarioStep Step() => new(
        new StepRequest("GET", "/items"),
        new StepExpectation([200], """{"items":"#array","id":"#uuid"}""", ["$..created"]));

    [Fact]
    public void MembersMissingFromJsonAreReportedNotThrown()
    {
        var fromJson = System.Text.Json.JsonSerializer.Deserialize<AssignmentDefinition>("""{"port": 8000}""")!;

        var errors = AssignmentValidator.Validate(fromJson);

        Assert.Equal(["id is required", "title is required", "schemas is required", "environment is required", "limits is required", "scenarios is required"], errors);
    }
}
