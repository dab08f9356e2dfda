using System.Text;

namespace Grader.IntegrationTests.Grading;

[Collection(GradingCollection.Name)]
public sealed class EvaluationTests(GraderFixture grader) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    [Fact]
    public async Task ClassListRunsEveryStudentWithPrivateScenariosAndYieldsAProtocol()
    {
        await grader.DemoAssignmentAsync("evaluated");
        var csv = $"Timestamp,Username,Docker image\n2024-10-01,ann,{grader.Image("correct")}\n2024-10-02,ben,{grader.Image("wrong")}\n";
        var (created, waits) = await PostWatchingAsync("evaluated", csv);

        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var finished = await Task.WhenAll(waits);
        Assert.Equal(2, finished.Length);
        Assert.All(finished, t => Assert.True(t.Spec.IncludePrivate));
        var location = created.Headers.Location!.ToString();

        var protocol = (await grader.Http.GetStringAsync($"{location}/protocol.csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("user,image,Timestamp,task,status,message,score,max_score,health,hello,list,create,missing,delete", protocol[0]);
        Assert.StartsWith($"ann,{grader.Image("correct")},2024-10-01,", protocol[1]);
        Assert.EndsWith(",Completed,,8,8,1,1,2,2,1,1", protocol[1]);
        Assert.EndsWith(",Completed,,2,8,0 (failed),1,0 (failed),0 (failed),1,0 (failed)", protocol[2]);

        var grades = (await grader.Http.GetStringAsync("/api/assignments/evaluated/grades.csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("user,task,source,status,score,max_score,finished_at", grades[0]);
        Assert.StartsWith("ann,", grades[1]);
        Assert.Contains(",evaluation,Completed,8,8,", grades[1]);
        Assert.Contains(",evaluation,Completed,2,8,", grades[2]);

        using var dashboard = JsonDocument.Parse(await grader.Http.GetStringAsync("/api/dashboard"));
        Assert.True(dashboard.RootElement.GetProperty("taskStatuses").GetProperty("Completed").GetInt64() >= 2);
        Assert.True(dashboard.RootElement.GetProperty("stepOutcomes").GetProperty("Failed").GetInt64() >= 4);
        // The ten busiest users of the shared fixture, busiest first: ben is among them unless ten others ran more.
        var active = dashboard.RootElement.GetProperty("mostActiveUsers").EnumerateArray()
            .Select(u => (User: u.GetProperty("userId").GetString(), Tasks: u.GetProperty("tasks").GetInt64())).ToList();
        Assert.Equal(active.OrderByDescending(u => u.Tasks).Select(u => u.Tasks), active.Select(u => u.Tasks));
        Assert.True(active.Any(u => u.User == "ben") || active.Count == 10, string.Join(", ", active));
    }

    [Fact]
    public async Task ClassListWithABadLineRunsTheValidLinesAndReportsTheBadOneByNumber()
    {
        await grader.DemoAssignmentAsync("evaluated-bad");
        var csv = $"user,image\nann,{grader.Image("correct")}\nben,not a valid image\n";

        var (response, waits) = await PostWatchingAsync("evaluated-bad", csv);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var summary = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var evaluation = summary.RootElement.GetProperty("evaluation");
        var rejected = evaluation.GetProperty("rejected").EnumerateArray().Select(r => r.GetString()!).ToList();
        Assert.StartsWith("line 3: ", Assert.Single(rejected));
        var entry = Assert.Single(evaluation.GetProperty("entries").EnumerateArray());
        Assert.Equal("ann", entry.GetProperty("row").GetProperty("userId").GetString());
        var finished = await Assert.Single(waits);
        Assert.Equal((entry.GetProperty("taskId").GetGuid(), GradingStatus.Completed, "ann"), (finished.Id, finished.Status, finished.Spec.UserId));
        // Nothing ran for ben: the bad line made no task at all.
        var grades = await grader.Http.GetStringAsync("/api/assignments/evaluated-bad/grades.csv");
        Assert.DoesNotContain("\nben,", grades, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClassListWithOnlyBadLinesIsRejectedAndRunsNothing()
    {
        await grader.DemoAssignmentAsync("evaluated-none");
        var csv = "user,image\nben,not a valid image\n";

        var response = await grader.Http.PostAsync("/api/evaluations?assignmentId=evaluated-none", new StringContent(csv, Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("line 2: ", problem.RootElement.GetProperty("errors").GetProperty("csv")[0].GetString());
        var queued = await grader.Grains.GetGrain<Grader.Queue.ITaskQueueGrain>(0).GetLengthAsync();
        Assert.Equal(0, queued);
    }

    /// <summary>Posts the class list, having subscribed first, so each evaluation task is caught the moment it is queued.</summary>
    private async Task<(HttpResponseMessage Response, List<Task<TaskView>> Waits)> PostWatchingAsync(string assignmentId, string csv)
    {
        var waits = new List<Task<TaskView>>();
        void Watch(TaskView view)
        {
            if (view.Spec.Source == "evaluation" && view.Spec.AssignmentId == assignmentId && view.Status == GradingStatus.Queued && view.Attempt == 0)
            {
                lock (waits)
                {
                    waits.Add(grader.Transitions.WaitForAsync(view.Id, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(2)));
                }
            }
        }

        grader.Transitions.Changed += Watch;
        try
        {
            return (await grader.Http.PostAsync($"/api/evaluations?assignmentId={assignmentId}", new StringContent(csv, Encoding.UTF8, "text/csv")), waits);
        }
        finally
        {
            grader.Transitions.Changed -= Watch;
        }
    }
}
