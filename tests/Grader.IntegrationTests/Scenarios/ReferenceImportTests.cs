namespace Grader.IntegrationTests.Scenarios;

/// <summary>Acceptance test 4: the reference system's rows, exported as JSON and imported through the
/// API, grade the same as the hand-made demo assignment (infra/demo/assignment.json) on both images.</summary>
[Collection(GradingCollection.Name)]
public sealed class ReferenceImportTests(GraderFixture grader) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    [Fact]
    public async Task ImportedReferenceRowsGradeTheSameAsBefore()
    {
        var converted = await grader.Http.PostAsync("/api/suite-import/reference", new StringContent(SuiteFiles.Read("reference-rows.json")));
        Assert.Equal(HttpStatusCode.OK, converted.StatusCode);
        var yaml = await converted.Content.ReadAsStringAsync();
        // The import report (here: row 1's ignored key is also in its expected body) leads as comments.
        Assert.StartsWith("# row 1 (pk 1): the expected body holds the ignored key 'database'", yaml);
        Assert.Contains("\nversion: 1", yaml);
        await grader.DemoAssignmentAsync("reference-json");
        await grader.DemoAssignmentAsync("reference-import", a => a with { Scenarios = new List<Scenario>() });
        await grader.StoreSuiteAsync("reference-import", yaml, "reference-rows.yaml");

        var runs = await Task.WhenAll(
            from assignment in new[] { "reference-json", "reference-import" }
            from image in new[] { "correct", "wrong" }
            select grader.RunAsync(new TaskSpec("staff-ref", assignment, grader.Image(image), IncludePrivate: true)));

        var (jsonCorrect, jsonWrong, importCorrect, importWrong) = (runs[0], runs[1], runs[2], runs[3]);
        Assert.All(importCorrect.Steps, s => Assert.Equal(StepOutcome.Passed, s.Outcome));
        Assert.Equal(6m, importCorrect.Score);
        Assert.Equal(jsonCorrect.Steps.Select(s => s.Outcome), importCorrect.Steps.Select(s => s.Outcome));
        Assert.Equal(jsonWrong.Steps.Select(s => s.Outcome), importWrong.Steps.Select(s => s.Outcome));
        Assert.Equal(["row-1", "row-2", "row-3", "row-4", "row-5", "row-6"], importCorrect.Steps.Select(s => s.ScenarioId));
        Assert.Equal(2, importCorrect.Steps.Count(s => s.IsPrivate));
    }

    [Fact]
    public async Task RowsWithProblemsAreRejectedWithEveryProblem()
    {
        var response = await grader.Http.PostAsync("/api/suite-import/reference", new StringContent("""[{"method": "GET"}, {"url": "/a", "priority": "high"}]"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("row 1: 'url' is required", body);
        Assert.Contains("row 2: 'priority' must be a whole number", body);
    }
}
