namespace Grader.IntegrationTests.Grading;

[Collection(GradingCollection.Name)]
public sealed class ImageErrorTests(GraderFixture grader) : IAsyncLifetime
{
    public Task InitializeAsync() => grader.DemoAssignmentAsync("image-errors");

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    [Fact]
    public async Task MissingTagSaysTheTagDoesNotExist()
    {
        var task = await grader.RunAsync(new TaskSpec("student-6", "image-errors", grader.Image("no-such-tag"), false));

        Assert.Equal(GradingStatus.Failed, task.Status);
        Assert.Equal(AttemptEnd.ImageUnavailable, task.End);
        Assert.StartsWith("The tag 'no-such-tag' does not exist in", task.Message);
    }

    [Fact]
    public async Task MissingRepositorySaysTheImageWasNotFound()
    {
        var task = await grader.RunAsync(new TaskSpec("student-6", "image-errors", $"{grader.Registry}/students/nobody-pushed-this:latest", false));

        Assert.Equal(AttemptEnd.ImageUnavailable, task.End);
        Assert.Matches("does not exist|was not found", task.Message);
    }

    [Fact]
    public async Task WrongRegistryCredentialSaysAccessWasRefused()
    {
        var task = await grader.RunAsync(new TaskSpec("student-7", "image-errors", grader.Image("correct").Replace("127.0.0.1", "localhost", StringComparison.Ordinal), false));

        Assert.Equal(GradingStatus.Failed, task.Status);
        Assert.Equal(AttemptEnd.ImageUnavailable, task.End);
        Assert.Contains("refused access", task.Message);
    }

    [Theory]
    [InlineData("ghcr.io/alice/app:-bad", "'-bad' is not a valid tag")]
    [InlineData("ghcr.io/alice//app", "empty path component")]
    [InlineData("ghcr.io/alice/app name", "white space")]
    [InlineData("", "empty")]
    public async Task MalformedReferenceIsRejectedAtSubmitWithItsReason(string image, string reason)
    {
        var response = await grader.Http.PostAsJsonAsync("/api/tasks", new { assignmentId = "image-errors", image, userId = "student-8" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var message = problem.RootElement.GetProperty("errors").GetProperty("image")[0].GetString();
        Assert.Contains(reason, message);
    }

    [Fact]
    public async Task SubmittedReferenceIsNormalisedBeforeItIsQueued()
    {
        var response = await grader.Http.PostAsJsonAsync("/api/tasks",
            new { assignmentId = "image-errors", image = $" https://{grader.Registry}/Students/App:correct ", userId = "student-9" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var task = body.RootElement.GetProperty("task");
        Assert.Equal(grader.Image("correct"), task.GetProperty("spec").GetProperty("image").GetString());
        var id = task.GetProperty("id").GetGuid();
        var done = await grader.Transitions.WaitForAsync(id, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(2));
        Assert.Equal(GradingStatus.Completed, done.Status);
    }
}
