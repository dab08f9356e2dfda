using Grader.Scenarios.Suites;

namespace Grader.UnitTests.Scenarios.Suites;

public class SuiteParserTests
{
    private const string FlowSuite = """
        version: 1
        scenarios:
          - id: item-lifecycle
            title: Create, read and delete an item
            visibility: private
            priority: 5
            points: 10
            setup:
              - request: { method: GET, path: /v1/health }
            steps:
              - title: create
                request:
                  method: post
                  path: /v1/items
                  headers: { X-Trace: lifecycle }
                  json: { name: New, tags: [b, a], price: 1.50, code: "007" }
                expect:
                  status: [201, 200]
                  body: { id: "#integer", name: New, tags: [a, b], created_at: "#datetime" }
                  unordered: [$.tags]
                capture:
                  id: $.id
                  trace: { header: X-Trace }
                points: 4
                timeout: 500ms
                retry: { attempts: 3, interval: 0.2 }
                sql:
                  - query: SELECT name FROM items WHERE id = @id
                    params: { id: "{{id}}" }
                    rows: [{ name: New }]
              - request: { method: GET, path: "/v1/items/{{id}}", query: { full: "yes" } }
                expect:
                  status: 200
                  body: { id: "{{id}}", name: New }
                  match: lenient
                  tolerance: 0.01
              - request: { method: DELETE, path: "/v1/items/{{id}}" }
                expect: { status: 204, empty: true }
            teardown:
              - request: { method: DELETE, path: "/v1/items/{{id}}" }
        """;

    [Fact]
    public void FlowSuiteReadsIntoTheModel()
    {
        var result = SuiteParser.Parse(FlowSuite);

        Assert.Empty(result.Errors);
        var scenario = Assert.Single(result.Scenarios);
        Assert.Equal(("item-lifecycle", "Create, read and delete an item", false, 5), (scenario.Id, scenario.Title, scenario.IsPublic, scenario.Priority));
        Assert.Single(scenario.Setup!);
        Assert.Single(scenario.Teardown!);
        Assert.Equal(0m, scenario.Setup![0].Points);
        var create = scenario.Steps[0];
        Assert.Equal(("POST", "/v1/items", "create"), (create.Request.Method, create.Request.Path, create.Title));
        Assert.Equal("""{"name":"New","tags":["b","a"],"price":1.50,"code":"007"}""", create.Request.JsonBody);
        Assert.Equal([201, 200], create.Expect.Status);
        Assert.Equal(["$.tags"], create.Expect.Unordered!);
        Assert.Equal([new StepCapture("id", "$.id"), new StepCapture("trace", Header: "X-Trace")], create.Captures!);
        Assert.Equal((0.5, 3, 0.2), (create.TimeoutSeconds!.Value, create.Retry!.Attempts, create.Retry.IntervalSeconds));
        var check = Assert.Single(create.SqlChecks!);
        Assert.Equal(("""{"id":"{{id}}"}""", """[{"name":"New"}]"""), (check.Parameters, check.ExpectedRows));
        Assert.Equal(MatchMode.Lenient, scenario.Steps[1].Expect.Match);
        Assert.Equal("yes", scenario.Steps[1].Request.Query!["full"]);
        Assert.Equal("", scenario.Steps[2].Expect.JsonBody);
        // 10 points: 4 named by the first step, the other two share the remaining 6.
        Assert.Equal([4m, 3m, 3m], scenario.Steps.Select(s => s.Points));
    }

    [Fact]
    public void WrittenSuiteReadsBackToTheSameScenarios()
    {
        var scenarios = SuiteParser.Parse(FlowSuite).Scenarios;

        var yaml = SuiteWriter.Write(scenarios);
        var again = SuiteParser.Parse(yaml, "written.yaml");

        Assert.Empty(again.Errors);
        Assert.Equal(JsonSerializer.Serialize(scenarios), JsonSerializer.Serialize(again.Scenarios));
        Assert.Contains("code: \"007\"", yaml);
        Assert.Contains("path: /v1/items/{{id}}", yaml);
    }

    [Fact]
    public void JsonSuiteIsAcceptedToo()
    {
        var result = SuiteParser.Parse("""
            {"version": 1, "scenarios": [
              {"id": "hello", "steps": [{"request": {"method": "GET", "path": "/v1/hello"},
                                         "expect": {"status": 200, "body": {"greeting": "Hello, Arthur!", "n": 1.0}}}]}]}
            """, "suite.json");

        Assert.Empty(result.Errors);
        Assert.Equal("""{"greeting":"Hello, Arthur!","n":1.0}""", result.Scenarios[0].Steps[0].Expect.JsonBody);
        Assert.True(result.Scenarios[0].IsPublic);
    }

    [Theory]
    [InlineData("unknown key", """
        version: 1
        scenarios:
          - id: a
            steps:
              - request: { method: GET, path: / }
                expcet: { status: 200 }
        """, "suite.yaml:6:9: unknown key 'expcet' in step 1 of scenario 'a' (did you mean 'expect'?); allowed: title, request, expect, capture, points, timeout, retry, sql")]
    [InlineData("bad JSONPath", """
        version: 1
        scenarios:
          - id: a
            steps:
              - request: { method: GET, path: / }
                expect: { ignore: ["$.a["] }
        """, "suite.yaml:6:28: ignore: '$.a[' is not a valid JSONPath: '[' without a closing ']'.")]
    [InlineData("bad regex", """
        version: 1
        scenarios:
          - id: a
            steps:
              - request: { method: GET, path: / }
                expect:
                  body: { code: "#regex ([a-z]" }
        """, "suite.yaml:7:25: the regex is invalid: Invalid pattern '([a-z]' at offset 6. Not enough )'s.")]
    [InlineData("unknown matcher", """
        version: 1
        scenarios:
          - id: a
            steps:
              - request: { method: GET, path: / }
                expect:
                  body: [1, "#uuidd"]
        """, "suite.yaml:7:21: unknown matcher '#uuidd' (known: #array, #boolean, #datetime, #ignore, #integer, #notnull, #notpresent, #null, #number, #object, #present, #regex, #string, #uuid; write \\#uuidd for the literal text)")]
    [InlineData("capture never defined", """
        version: 1
        scenarios:
          - id: a
            steps:
              - request: { method: GET, path: "/items/{{itemId}}" }
        """, "suite.yaml:5:39: {{itemId}} is used in step 1 of scenario 'a' but no earlier step captures 'itemId'")]
    [InlineData("capture defined only later", """
        version: 1
        scenarios:
          - id: a
            steps:
              - request: { method: POST, path: /items, json: { parent: "{{id}}" } }
              - request: { method: POST, path: /items }
                capture: { id: $.id }
        """, "suite.yaml:5:64: {{id}} is used in step 1 of scenario 'a' but no earlier step captures 'id'")]
    [InlineData("duplicate scenario id", """
        version: 1
        scenarios:
          - id: a
            steps: [{ request: { method: GET, path: / } }]
          - id: a
            steps: [{ request: { method: GET, path: / } }]
        """, "suite.yaml:5:9: duplicate scenario id 'a' (first at line 3)")]
    [InlineData("wrong type", """
        version: 1
        scenarios:
          - id: a
            priority: high
            steps: [{ request: { method: GET, path: / } }]
        """, "suite.yaml:4:15: 'priority' in a scenario must be a whole number, not 'high'")]
    [InlineData("status list of text", """
        version: 1
        scenarios:
          - id: a
            steps: [{ request: { method: GET, path: / }, expect: { status: [200, ok] } }]
        """, "suite.yaml:4:74: status must be an HTTP status code or a list of them, not 'ok'")]
    [InlineData("unsupported version", """
        version: 2
        scenarios: []
        """, "suite.yaml:1:10: version 2 is not supported; this grader reads version 1")]
    [InlineData("duplicate key", """
        version: 1
        version: 1
        scenarios: []
        """, "suite.yaml:2:1: duplicate key 'version' in the suite (first at line 1)")]
    [InlineData("missing request", """
        version: 1
        scenarios:
          - id: a
            steps:
              - expect: { status: 200 }
        """, "suite.yaml:5:9: step 1 of scenario 'a' needs 'request'")]
    [InlineData("bad method and path", """
        version: 1
        scenarios:
          - id: a
            steps: [{ request: { method: FETCH, path: items } }]
        """, "suite.yaml:4:34: method 'FETCH' is not one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS")]
    [InlineData("capture with wildcard", """
        version: 1
        scenarios:
          - id: a
            steps:
              - request: { method: GET, path: / }
                capture: { id: "$.items[*].id" }
        """, "suite.yaml:6:24: capture 'id': '$.items[*].id' can name more than one value; a capture needs a path without '*' or '..'")]
    [InlineData("unquoted variable", """
        version: 1
        scenarios:
          - id: a
            steps:
              - request: { method: POST, path: /, json: { id: {{x}} } }
        """, "suite.yaml:5:56: an object key must be text; to use a variable as a value write it in quotes: \"{{name}}\"")]
    [InlineData("points on setup", """
        version: 1
        scenarios:
          - id: a
            setup: [{ request: { method: GET, path: / }, points: 1 }]
            steps: [{ request: { method: GET, path: / } }]
        """, "suite.yaml:4:58: setup step 1 of scenario 'a' is never scored; remove 'points'")]
    [InlineData("sql parameter missing", """
        version: 1
        scenarios:
          - id: a
            steps:
              - request: { method: GET, path: / }
                sql: [{ query: "SELECT 1 AS one WHERE 1 = @x", rows: [] }]
        """, "suite.yaml:6:24: the SQL query uses @x, which params does not define")]
    [InlineData("sql writes", """
        version: 1
        scenarios:
          - id: a
            steps:
              - request: { method: GET, path: / }
                sql: [{ query: "DELETE FROM items; SELECT 1", rows: [] }]
        """, "suite.yaml:6:24: the SQL query must start with SELECT, WITH, VALUES or TABLE: checks only read")]
    [InlineData("syntax error", """
        version: 1
        scenarios: [
        """, "suite.yaml:3:1: YAML syntax: While parsing a node, did not find expected node content.")]
    [InlineData("points do not add up", """
        version: 1
        scenarios:
          - id: a
            points: 2
            steps: [{ request: { method: GET, path: / }, points: 3 }]
        """, "suite.yaml:4:13: scenario 'a' is worth 2 points but its steps name 3")]
    public void EachErrorKindIsReportedAtItsFileLineAndColumn(string kind, string suite, string error)
    {
        var result = SuiteParser.Parse(suite);

        Assert.False(result.IsValid, kind);
        Assert.Contains(error, result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void EveryErrorOfABadSuiteIsListedInFileOrder()
    {
        var result = SuiteParser.Parse("""
            version: 1
            scenarios:
              - id: a
                visibility: secret
                steps:
                  - request: { method: GET, path: "/{{nope}}" }
                    expect: { status: 999, body: { x: "#foo" }, match: fuzzy }
                    retry: { attempts: 0 }
              - id: a
                steps: []
            extra: true
            """, "items.yaml");

        Assert.Equal([
            "items.yaml:4:17: visibility 'secret' must be 'public' or 'private'",
            "items.yaml:6:39: {{nope}} is used in step 1 of scenario 'a' but no earlier step captures 'nope'",
            "items.yaml:7:27: status 999 is not an HTTP status code",
            "items.yaml:7:43: unknown matcher '#foo' (known: #array, #boolean, #datetime, #ignore, #integer, #notnull, #notpresent, #null, #number, #object, #present, #regex, #string, #uuid; write \\#foo for the literal text)",
            "items.yaml:7:60: match 'fuzzy' must be 'exact', 'lenient' or 'text'",
            "items.yaml:8:16: retry attempts 0 must be between 1 and 20",
            "items.yaml:9:9: duplicate scenario id 'a' (first at line 3)",
            "items.yaml:10:12: scenario 'a' has no steps",
            "items.yaml:11:1: unknown key 'extra' in the suite; allowed: version, scenarios",
        ], result.Errors.Select(e => e.ToString()));
        Assert.Single(result.Scenarios, s => s.Id == "a" && s.Steps.Count == 1);
    }

    [Fact]
    public void AliasBombIsRejectedInsteadOfExpanded()
    {
        var lines = new List<string> { "version: 1", "scenarios:", "  - id: bomb", "    steps:", "      - request:", "          method: POST", "          path: /", "          json:" };
        lines.Add("            a0: &a0 [x, x, x, x, x, x, x, x, x, x]");
        for (var i = 1; i < 8; i++)
        {
            lines.Add($"            a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]");
        }

        var result = SuiteParser.Parse(string.Join('\n', lines));

        Assert.Equal("suite.yaml:9:13: this value has more than 200000 nodes once its aliases are expanded", Assert.Single(result.Errors).ToString());
    }

    [Theory]
    [InlineData("n: 007", """{"n":7}""")]
    [InlineData("n: 0x1F", """{"n":31}""")]
    [InlineData("n: +.5", """{"n":0.5}""")]
    [InlineData("n: '42'", """{"n":"42"}""")]
    [InlineData("n: !!str 42", """{"n":"42"}""")]
    [InlineData("n: ~", """{"n":null}""")]
    [InlineData("n: True", """{"n":true}""")]
    [InlineData("n: 1e3", """{"n":1e3}""")]
    [InlineData("n: Žofie: x", null)]
    public void ScalarsFollowYamlCoreTypes(string yaml, string? json)
    {
        var result = SuiteParser.Parse($$"""
            version: 1
            scenarios:
              - id: a
                steps:
                  - request:
                      method: POST
                      path: /
                      json:
                        {{yaml}}
            """);

        if (json is null)
        {
            Assert.NotEmpty(result.Errors);
        }
        else
        {
            Assert.Empty(result.Errors);
            Assert.Equal(json, result.Scenarios[0].Steps[0].Request.JsonBody);
        }
    }
}
