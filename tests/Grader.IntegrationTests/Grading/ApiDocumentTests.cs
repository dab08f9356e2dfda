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

    [Fact]
    public async Task EveryOperationHasASummaryBothSignInSchemesAreDescribedAndTheDashboardIsLeftOut()
    {
        using var document = JsonDocument.Parse(await grader.Http.GetStringAsync("/openapi/v1.json"));
        var operations = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => (Key: $"{o.Name.ToUpperInvariant()} {p.Name}", Operation: o.Value)))
            .ToList();

        Assert.All(operations.Select(o => o.Key), key => Assert.StartsWith("/api/", key[(key.IndexOf(' ', StringComparison.Ordinal) + 1)..], StringComparison.Ordinal));
        var unsummarised = operations.Where(o => !o.Operation.TryGetProperty("summary", out var s) || string.IsNullOrWhiteSpace(s.GetString())).Select(o => o.Key).ToList();
        Assert.True(unsummarised.Count == 0, "no summary in Grader.Web.Hosting.ApiDocumentation.Summaries for: " + string.Join(", ", unsummarised));
        var schemes = document.RootElement.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", schemes.GetProperty("bearer").GetProperty("scheme").GetString());
        Assert.Equal("cookie", schemes.GetProperty("cookie").GetProperty("in").GetString());
        Assert.Equal(2, document.RootElement.GetProperty("security").GetArrayLength());
    }
}
