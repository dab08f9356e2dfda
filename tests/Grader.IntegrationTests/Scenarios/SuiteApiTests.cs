namespace Grader.IntegrationTests.Scenarios;

[Collection(GradingCollection.Name)]
public sealed class SuiteApiTests(GraderFixture grader)
{
    [Fact]
    public async Task StoredSuiteComesBackAsWrittenAndReplacesTheScenarios()
    {
        await grader.DemoAssignmentAsync("suite-roundtrip");
        var yaml = SuiteFiles.Read("item-lifecycle.yaml");

        var put = await grader.PutSuiteAsync("suite-roundtrip", yaml, "item-lifecycle.yaml");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var summary = await put.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((1, 10m), (summary.GetProperty("scenarios").GetInt32(), summary.GetProperty("points").GetDecimal()));
        Assert.Equal(yaml, await grader.Http.GetStringAsync("/api/assignments/suite-roundtrip/suite"));
        var stored = await grader.Http.GetFromJsonAsync<AssignmentDefinition>("/api/assignments/suite-roundtrip", GraderFixture.Json);
        Assert.Equal(["item-lifecycle"], stored!.Scenarios.Select(s => s.Id));
    }

    [Fact]
    public async Task MalformedSuiteIsRejectedWithEveryErrorAndNothingIsStored()
    {
        await grader.DemoAssignmentAsync("suite-rejected");
        var before = await grader.Http.GetStringAsync("/api/assignments/suite-rejected/suite");
        const string Broken = """
            version: 1
            scenarios:
              - id: a
                steps:
                  - request: { method: GET, path: "/v1/items/{{id}}" }
                    expect: { status: 200, body: { id: "#uuidd" }, ignore: ["$.a["] }
              - id: a
                steps: [{ request: { method: GET, path: /v1/hello }, expcet: {} }]
            """;

        var response = await grader.PutSuiteAsync("suite-rejected", Broken, "broken.yaml");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("suite").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(5, errors.Count);
        Assert.All(errors, e => Assert.Matches(@"^broken\.yaml:\d+:\d+: ", e!));
        Assert.Contains("broken.yaml:5:39: {{id}} is used in step 1 of scenario 'a' but no earlier step captures 'id'", errors);
        Assert.Equal(before, await grader.Http.GetStringAsync("/api/assignments/suite-rejected/suite"));
        Assert.Equal(6, (await grader.Grains.GetGrain<IAssignmentGrain>("suite-rejected").GetAsync())!.Scenarios.Count);
    }

    [Fact]
    public async Task SuiteThatDoesNotFitTheAssignmentIsRejected()
    {
        await grader.DemoAssignmentAsync("suite-no-database", a => a with { DatabaseMode = DatabaseMode.None, Database = null });

        var response = await grader.PutSuiteAsync("suite-no-database", SuiteFiles.Read("item-lifecycle.yaml"), "item-lifecycle.yaml");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("SQL checks need a database", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SuiteOfAMissingAssignmentIs404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await grader.PutSuiteAsync("no-such-assignment", "version: 1\nscenarios: []\n", "x.yaml")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await grader.Http.GetAsync("/api/assignments/no-such-assignment/suite")).StatusCode);
    }

    [Fact]
    public async Task SchemaIsPublishedForEditors()
    {
        var response = await grader.Http.GetAsync("/api/suite-schema.json");

        Assert.Equal("application/schema+json", response.Content.Headers.ContentType!.MediaType);
        var schema = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.GetProperty("$schema").GetString());
        Assert.True(schema.GetProperty("$defs").TryGetProperty("sqlCheck", out _));
    }
}
