using Grader.Web.Tasks;

namespace Grader.IntegrationTests.Grading;

/// <summary>A finished task leaves memory once nobody watches it, and live streams share and release
/// their subscription. "Soon" here is well inside the class's 2-minute collection age, so only the
/// task's own rule can pass these tests.</summary>
[Collection(GradingCollection.Name)]
public sealed class TaskActivationTests(GraderFixture grader) : IAsyncLifetime
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(30);

    private TaskActivations Activations => grader.Services.GetRequiredService<TaskActivations>();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    [Fact]
    public async Task FinishedUnwatchedTaskGrainDeactivatesAtOnce()
    {
        await grader.DemoAssignmentAsync("activation-unwatched");
        var id = Guid.NewGuid();
        var gone = Activations.WaitForDeactivationAsync(id, TimeSpan.FromMinutes(2) + Soon);
        var finished = grader.Transitions.WaitForAsync(id, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(2));
        await grader.Grains.GetGrain<ITaskGrain>(id).SubmitAsync(new TaskSpec("activation-unwatched-student", "activation-unwatched", grader.Image("correct"), IncludePrivate: true));
        var final = await finished;

        Assert.Equal(GradingStatus.Completed, final.Status);
        Assert.Equal(GradingStatus.Completed, await gone.WaitAsync(Soon));
        // Nothing was lost with the activation: a fresh one reads the verdict back.
        var stored = (await grader.Grains.GetGrain<ITaskGrain>(id).GetAsync())!;
        Assert.Equal((GradingStatus.Completed, final.Score, final.Steps.Count), (stored.Status, stored.Score, stored.Steps.Count));
    }

    [Fact]
    public async Task FinishedTaskGrainStaysWhileWatchedAndDeactivatesWhenItsWatcherLeaves()
    {
        await grader.DemoAssignmentAsync("activation-watched");
        var id = Guid.NewGuid();
        var task = grader.Grains.GetGrain<ITaskGrain>(id);
        var left = new List<GradingStatus?>();
        void Record(Guid taskId, GradingStatus? status)
        {
            if (taskId == id)
            {
                lock (left)
                {
                    left.Add(status);
                }
            }
        }

        var observer = new Recorder();
        var reference = grader.Grains.CreateObjectReference<ITaskObserver>(observer);
        Activations.Deactivated += Record;
        try
        {
            var finished = grader.Transitions.WaitForAsync(id, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(2));
            await task.SubscribeAsync(reference);
            await task.SubmitAsync(new TaskSpec("activation-watched-student", "activation-watched", grader.Image("correct"), IncludePrivate: true));
            Assert.Equal(GradingStatus.Completed, (await finished).Status);
            // Served after the final change's request ended: an activation that had left by then would
            // have reported its deactivation before a new one answered this.
            Assert.Equal(GradingStatus.Completed, (await task.GetAsync())!.Status);
            lock (left)
            {
                Assert.Empty(left);
            }

            var gone = Activations.WaitForDeactivationAsync(id, Soon);
            await task.UnsubscribeAsync(reference);
            Assert.Equal(GradingStatus.Completed, await gone);
        }
        finally
        {
            Activations.Deactivated -= Record;
            grader.Grains.DeleteObjectReference<ITaskObserver>(reference);
            GC.KeepAlive(observer);
        }
    }

    /// <summary>Two tabs on one task: both get the verdict through the one shared subscription, and when
    /// both streams have ended the web tier holds nothing for the task and the grain leaves.</summary>
    [Fact]
    public async Task StreamsOfOneTaskShareTheirSubscriptionAndReleaseItWhenTheTaskEnds()
    {
        await grader.DemoAssignmentAsync("activation-streams");
        var submitted = await grader.Http.PostAsJsonAsync("/api/tasks", new { assignmentId = "activation-streams", image = grader.Image("correct") });
        var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("task").GetProperty("id").GetGuid();
        var hub = grader.Services.GetRequiredService<TaskWatchHub>();
        var gone = Activations.WaitForDeactivationAsync(id, TimeSpan.FromMinutes(2));

        var streams = await Task.WhenAll(ReadToEndAsync(id), ReadToEndAsync(id));

        Assert.All(streams, views => Assert.Equal(GradingStatus.Completed, views[^1].Status));
        Assert.All(streams, views => Assert.Equal(views[^1].MaxScore, views[^1].Score));
        Assert.False(hub.IsWatched(id));
        Assert.Equal(GradingStatus.Completed, await gone);
    }

    private async Task<List<TaskView>> ReadToEndAsync(Guid id)
    {
        using var response = await grader.Http.GetAsync($"/api/tasks/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var received = new List<TaskView>();
        // A stream that stops delivering must fail the test, not hang it.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (await reader.ReadLineAsync(deadline.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal) && !line.Contains("\"position\"", StringComparison.Ordinal))
            {
                received.Add(JsonSerializer.Deserialize<TaskView>(line["data: ".Length..], GraderFixture.Json)!);
            }
        }

        return received;
    }

    /// <summary>A watcher that only needs to exist.</summary>
    private sealed class Recorder : ITaskObserver
    {
        public Task OnTaskChangedAsync(TaskView view) => Task.CompletedTask;
    }
}
