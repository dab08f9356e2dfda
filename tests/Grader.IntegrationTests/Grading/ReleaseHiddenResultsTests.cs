using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Grader.IntegrationTests.Auth;
using Grader.Tasks;

namespace Grader.IntegrationTests.Grading;

/// <summary>Staff choose whether hidden results are released after the deadline: a student's evaluation
/// task shows its private scenarios only once the assignment has closed and the setting is on.</summary>
[Collection(GradingCollection.Name)]
public sealed class ReleaseHiddenResultsTests(GraderFixture grader) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    [Fact]
    public async Task PrivateResultsStayHiddenBeforeCloseAndWhenOffAndAreShownAfterCloseWhenOn()
    {
        const string id = "released-hidden";
        await grader.DemoAssignmentAsync(id);
        var request = new SubmissionRequest("rh-ann", id, grader.Image("correct"), "rh-staff", SubmitterRole.Staff, "evaluation", Guid.NewGuid());
        await grader.Grains.GetGrain<ISubmissionGrain>(SubmissionKeys.For(id, "rh-ann")).SubmitAsync(request);
        Assert.Equal(GradingStatus.Completed, (await grader.FinalAsync(request.TaskId, TimeSpan.FromMinutes(3))).Status);
        using var student = grader.AnonymousClient();
        await TestAccounts.SignInAsync(grader.Services, student, "rh-ann", UserRole.Student);
        var future = DateTimeOffset.UtcNow.AddDays(1).ToString("O");
        var past = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O");

        await PatchAsync(id, $$"""{ "releaseHiddenAfterClose": true, "closesAt": "{{future}}" }""");
        var beforeClose = await SeenAsync(student, request.TaskId);
        await PatchAsync(id, $$"""{ "releaseHiddenAfterClose": false, "closesAt": "{{past}}" }""");
        var closedOff = await SeenAsync(student, request.TaskId);
        await PatchAsync(id, """{ "releaseHiddenAfterClose": true }""");
        var closedOn = await SeenAsync(student, request.TaskId);

        foreach (var hidden in new[] { beforeClose, closedOff })
        {
            Assert.DoesNotContain("missing", hidden.Steps);
            Assert.DoesNotContain("delete", hidden.Steps);
            Assert.Equal(2, hidden.HiddenCount);
            Assert.DoesNotContain("A missing item is 404", hidden.Page);
        }

        Assert.Contains("missing", closedOn.Steps);
        Assert.Contains("delete", closedOn.Steps);
        Assert.Null(closedOn.HiddenCount);
        Assert.Contains("A missing item is 404", closedOn.Page);
        var staffView = await grader.Http.GetStringAsync($"/api/assignments/{id}");
        Assert.Contains("\"releaseHiddenAfterClose\":true", staffView);
    }

    private async Task PatchAsync(string id, string json)
    {
        var response = await grader.Http.PatchAsync($"/api/assignments/{id}", new StringContent(json, Encoding.UTF8, "application/merge-patch+json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<(List<string> Steps, int? HiddenCount, string Page)> SeenAsync(HttpClient student, Guid taskId)
    {
        using var api = JsonDocument.Parse(await student.GetStringAsync($"/api/tasks/{taskId}"));
        var task = api.RootElement.GetProperty("task");
        var steps = task.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("scenarioId").GetString()!).ToList();
        int? hidden = task.TryGetProperty("hidden", out var h) && h.ValueKind == JsonValueKind.Object ? h.GetProperty("count").GetInt32() : null;
        return (steps, hidden, await student.GetStringAsync($"/tasks/{taskId}"));
    }
}
