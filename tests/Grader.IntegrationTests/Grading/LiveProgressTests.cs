namespace Grader.IntegrationTests.Grading;

[Collection(GradingCollection.Name)]
public sealed class LiveProgressTests(GraderFixture grader) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    [Fact]
    public async Task EventStreamDeliversEveryPhaseAndStepSoonAfterTheRunnerReportsIt()
    {
        await grader.DemoAssignmentAsync("live");
        var submitted = await grader.Http.PostAsJsonAsync("/api/tasks", new { assignmentId = "live", image = grader.Image("correct"), userId = "student-live" });
        var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("task").GetProperty("id").GetGuid();

        using var response = await grader.Http.GetAsync($"/api/tasks/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var received = new List<(TaskView View, DateTimeOffset At)>();
        // A stream that stops delivering must fail the test, not hang it.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (await reader.ReadLineAsync(deadline.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                received.Add((JsonSerializer.Deserialize<TaskView>(line["data: ".Length..], GraderFixture.Json)!, DateTimeOffset.UtcNow));
                if (received.Count == 1)
                {
                    // The server runs in this process: collect now, as a busy server eventually would.
                    // Orleans holds the stream's observer weakly, so this proves it is kept alive.
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    GC.Collect();
                }
            }
        }

        var last = received[^1].View;
        Assert.Equal(GradingStatus.Completed, last.Status);
        Assert.Equal(["pulling", "database", "starting", "probing", "testing"],
            received.SelectMany(r => r.View.Phases).Select(p => p.Phase).Where(p => p is not "claimed" and not "completed").Distinct());
        foreach (var step in last.Steps)
        {
            // The first event that carries this step, against the moment the runner finished it.
            var firstSeen = received.First(r => r.View.Steps.Any(s => s.SameStepAs(step))).At;
            Assert.InRange((firstSeen - step.ReportedAt).TotalMilliseconds, -50, 1000);
        }

        Assert.Equal("Completed", await LocalStack.ScalarAsync<string>(grader.StateDatabase, "SELECT status FROM task_summary WHERE task_id = @id", ("id", id)));
        Assert.Equal(last.Score, await LocalStack.ScalarAsync<decimal>(grader.StateDatabase, "SELECT score FROM task_summary WHERE task_id = @id", ("id", id)));
        Assert.Equal((long)last.Steps.Count, await LocalStack.ScalarAsync<long>(grader.StateDatabase,
            "SELECT count(*) FROM step_verdict WHERE task_id = @id AND outcome = 'Passed'", ("id", id)));
    }

    /// <summary>A task grain that deactivates (as when it moves to another silo) forgets its observers; the
    /// stream's renewal re-subscribes and re-reads, so the final verdict still arrives and the stream ends.</summary>
    [Fact]
    public async Task StreamDeliversTheFinalVerdictAfterItsTaskGrainMoves()
    {
        await grader.DemoAssignmentAsync("live-moved");
        var submitted = await grader.Http.PostAsJsonAsync("/api/tasks", new { assignmentId = "live-moved", image = grader.Image("correct") });
        var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("task").GetProperty("id").GetGuid();
        var task = grader.Grains.GetGrain<ITaskGrain>(id);

        using var response = await grader.Http.GetAsync($"/api/tasks/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var received = new List<TaskView>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var moves = 0;
        while (await reader.ReadLineAsync(deadline.Token) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }

            received.Add(JsonSerializer.Deserialize<TaskView>(line["data: ".Length..], GraderFixture.Json)!);
            if (!received[^1].Status.IsTerminal())
            {
                // Every event makes the grain forget this stream: only re-reads can carry it to the end.
                await task.Cast<Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle();
                moves++;
            }
        }

        Assert.True(moves >= 1, "the grain was never moved");
        Assert.Equal(GradingStatus.Completed, received[^1].Status);
        Assert.Equal(received[^1].MaxScore, received[^1].Score);
        Assert.Equal(GradingStatus.Completed, (await task.GetAsync())!.Status);
    }
}
