using System.Text;

namespace Grader.IntegrationTests.Grading;

/// <summary>Assignments change piece by piece through the API: a settings PATCH leaves the suite byte
/// for byte, a bad one changes nothing, each change names who made it, and a settings save and a suite
/// upload at the same moment both land.</summary>
[Collection(GradingCollection.Name)]
public sealed class AssignmentChangeTests(GraderFixture grader)
{
    [Fact]
    public async Task ChangingOneSettingLeavesTheSuiteByteForByteAndRecordsWhoAndWhen()
    {
        await grader.DemoAssignmentAsync("change-api", a => a with { SupersedePending = true });
        var suite = await StoreSuiteAsync("change-api", "# kept exactly as written\n");
        var before = await DefinitionAsync("change-api");
        var started = DateTimeOffset.UtcNow;

        var changed = await PatchAsync("change-api", """{ "requestTimeoutSeconds": 7 }""");

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(Encoding.UTF8.GetBytes(suite), await grader.Http.GetByteArrayAsync("/api/assignments/change-api/suite"));
        Assert.Equal(Json(before with { RequestTimeoutSeconds = 7 }), Json(await DefinitionAsync("change-api")));
        var last = (await grader.Http.GetFromJsonAsync<List<AssignmentChangeRecord>>("/api/assignments/change-api/changes", GraderFixture.Json))![^1];
        Assert.Equal(("grading-staff", "settings: requestTimeoutSeconds"), (last.By, last.What));
        Assert.InRange(last.At, started.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task ANullClearsASettingAndABadPatchChangesNothing()
    {
        var closes = DateTimeOffset.UtcNow.AddDays(7);
        await grader.DemoAssignmentAsync("change-bad", a => a with { ClosesAt = closes });
        var suite = await StoreSuiteAsync("change-bad", "# a comment that must survive\n");

        var cleared = await PatchAsync("change-bad", """{ "closesAt": null }""");
        var before = await DefinitionAsync("change-bad");
        var invalid = await PatchAsync("change-bad", """{ "title": "Renamed", "port": 0 }""");
        var scenarios = await PatchAsync("change-bad", """{ "scenarios": [] }""");
        var typo = await PatchAsync("change-bad", """{ "requestTimeout": 3 }""");

        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Null(before.ClosesAt);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("port 0 must be between 1 and 65535", await invalid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, scenarios.StatusCode);
        Assert.Contains("/suite", await scenarios.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, typo.StatusCode);
        Assert.Contains("'requestTimeout' is not a setting", await typo.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(Json(before), Json(await DefinitionAsync("change-bad")));
        Assert.Equal(suite, await grader.Http.GetStringAsync("/api/assignments/change-bad/suite"));
    }

    /// <summary>Each round sends a settings change and a new suite at once; whatever order the grain takes
    /// them in, both are there afterwards.</summary>
    [Fact]
    public async Task AConcurrentSettingsSaveAndSuiteUploadBothLand()
    {
        await grader.DemoAssignmentAsync("change-race");
        var plain = await grader.Http.GetStringAsync("/api/assignments/change-race/suite");
        for (var round = 1; round <= 5; round++)
        {
            var suite = $"# round {round}\n{plain}";
            var settings = PatchAsync("change-race", $$"""{ "startupTimeoutSeconds": {{30 + round}} }""");
            var upload = grader.Http.PutAsync("/api/assignments/change-race/suite?file=change-race.yaml", new StringContent(suite, Encoding.UTF8, "application/yaml"));
            await Task.WhenAll(settings, upload);

            Assert.Equal(HttpStatusCode.OK, (await settings).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await upload).StatusCode);
            Assert.Equal(30 + round, (await DefinitionAsync("change-race")).StartupTimeoutSeconds);
            Assert.Equal(suite, await grader.Http.GetStringAsync("/api/assignments/change-race/suite"));
        }
    }

    /// <summary>The assignment's suite, written out, with <paramref name="header"/> in front, stored as a
    /// file: the text the grader must give back unchanged.</summary>
    private async Task<string> StoreSuiteAsync(string id, string header)
    {
        var suite = header + await grader.Http.GetStringAsync($"/api/assignments/{id}/suite");
        var stored = await grader.Http.PutAsync($"/api/assignments/{id}/suite?file={id}.yaml", new StringContent(suite, Encoding.UTF8, "application/yaml"));
        Assert.True(stored.IsSuccessStatusCode, await stored.Content.ReadAsStringAsync());
        return suite;
    }

    private Task<HttpResponseMessage> PatchAsync(string id, string json) =>
        grader.Http.PatchAsync($"/api/assignments/{id}", new StringContent(json, Encoding.UTF8, "application/merge-patch+json"));

    private async Task<AssignmentDefinition> DefinitionAsync(string id) =>
        (await grader.Http.GetFromJsonAsync<AssignmentDefinition>($"/api/assignments/{id}", GraderFixture.Json))!;

    private static string Json(AssignmentDefinition definition) => JsonSerializer.Serialize(definition, GraderFixture.Json);
}
