namespace Grader.IntegrationTests.Grading;

[Collection(GradingCollection.Name)]
public sealed class ApiDocumentTests(GraderFixture grader)
{
    [Fact]
    public async Task OpenApiDocumentDescribesTheJsonApiForSignedInCallersOnly()
    {
        using var document = JsonDocument.Parse(await grader.Http.GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();

        Assert.Contains("/api/tasks", paths);
        Assert.Contains("/api/tasks/{id}", paths);
        Assert.Contains("/api/assignments/{id}/suite", paths);
        Assert.Contains("/api/evaluations", paths);
        using var anonymous = grader.AnonymousClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/openapi/v1.json")).StatusCode);
    }
}
