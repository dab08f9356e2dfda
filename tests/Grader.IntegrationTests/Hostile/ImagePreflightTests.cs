namespace Grader.IntegrationTests.Hostile;

/// <summary>An image's own faults are the student's verdict, found before anything runs, and never
/// retried as if the grader had failed.</summary>
[Collection(GradingCollection.Name)]
public sealed class ImagePreflightTests(GraderFixture grader) : IAsyncLifetime
{
    public Task InitializeAsync() => grader.DemoAssignmentAsync("preflight");

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    [Theory]
    [InlineData("arm64", "built for linux/arm64, but the grader runs linux/amd64")]
    [InlineData("no-cmd", "neither ENTRYPOINT nor CMD")]
    [InlineData("bad-entrypoint", "entrypoint or command ('/app/server') does not exist in the image")]
    [InlineData("exec-format", "is not a program this host can run (exec format error)")]
    public async Task ImageFaultIsTheStudentsVerdictAtTheFirstAttempt(string tag, string reason)
    {
        var task = await grader.RunAsync(new TaskSpec($"student-{tag}", "preflight", grader.Hostile(tag), false));

        Assert.Equal(GradingStatus.Failed, task.Status);
        Assert.Equal(AttemptEnd.ImageRefused, task.End);
        Assert.Contains(reason, task.Message);
        Assert.DoesNotContain("The grader failed", task.Message);
        Assert.Equal(1, task.Attempt);
        Assert.DoesNotContain(task.Phases, p => p.Phase == "requeued");
    }

    [Fact]
    public async Task Arm64ImageIsRefusedBeforeThePullWithTheRebuildCommand()
    {
        var image = grader.Hostile("arm64");

        var task = await grader.RunAsync(new TaskSpec("student-mac", "preflight", image, false));

        Assert.EndsWith($"Rebuild it with: docker buildx build --platform linux/amd64 -t {image} --push .", task.Message);
        Assert.DoesNotContain(task.Phases, p => p.Phase == "starting");
        var local = await grader.Docker().Client.Images.ListImagesAsync(new Docker.DotNet.Models.ImagesListParameters());
        Assert.DoesNotContain(local, i => (i.RepoTags ?? []).Contains(image));
    }

    [Fact]
    public async Task ExposeOfAnotherPortIsAWarningBesideFullMarks()
    {
        var task = await grader.RunAsync(new TaskSpec("student-expose", "preflight", grader.Image("expose-3000"), false));

        Assert.Equal(GradingStatus.Completed, task.Status);
        Assert.Equal(task.MaxScore, task.Score);
        Assert.Equal("Warning: The image declares EXPOSE 3000, but the assignment expects the app on port 8000. Make the app listen on 0.0.0.0:8000.", task.Message);
    }

    [Theory]
    [InlineData("127.0.0.1:22/x:y")]
    [InlineData("127.0.0.1:1/x:y")]
    [InlineData("localhost:11111/x:y")]
    public async Task HostPortProbeIsRefusedAtSubmitAndAtPullAlike(string image)
    {
        var response = await grader.Http.PostAsJsonAsync("/api/tasks", new { assignmentId = "preflight", image, userId = "student-probe" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var atSubmit = problem.RootElement.GetProperty("errors").GetProperty("image")[0].GetString();
        var registry = image.Split('/')[0];
        var expected = $"Images from '{registry}' are not accepted here. Push your image to {grader.Registry} or {grader.Registry.Replace("127.0.0.1", "localhost", StringComparison.Ordinal)} and submit that reference.";
        Assert.Equal(expected, atSubmit);

        // A path that skips the web form (an evaluation CSV, a stored task) meets the same refusal at pull.
        var task = await grader.RunAsync(new TaskSpec("student-probe", "preflight", image, false));
        Assert.Equal(AttemptEnd.ImageRefused, task.End);
        Assert.Equal(expected, task.Message);
    }
}
