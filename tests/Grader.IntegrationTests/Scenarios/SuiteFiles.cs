namespace Grader.IntegrationTests.Scenarios;

/// <summary>Suite files next to the tests, and storing them through the web API as staff would.</summary>
internal static class SuiteFiles
{
    public static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Scenarios", name));

    public static async Task<HttpResponseMessage> PutSuiteAsync(this GraderFixture grader, string assignmentId, string text, string file) =>
        await grader.Http.PutAsync($"/api/assignments/{assignmentId}/suite?file={Uri.EscapeDataString(file)}", new StringContent(text));

    public static async Task StoreSuiteAsync(this GraderFixture grader, string assignmentId, string text, string file)
    {
        var response = await grader.PutSuiteAsync(assignmentId, text, file);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
