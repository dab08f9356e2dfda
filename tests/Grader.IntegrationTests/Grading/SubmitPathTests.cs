using Grader.IntegrationTests.Auth;
using Npgsql;

namespace Grader.IntegrationTests.Grading;

/// <summary>Issue 15: one durable write per submission before its response. The task's own state is that
/// write; the submission limits, the watchdog reminder, the queue entry and the summary follow it.</summary>
[Collection(GradingCollection.Name)]
public sealed class SubmitPathTests(GraderFixture grader) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    /// <summary>Every store the submission touches but the task's row is held by a lock, so a write to any
    /// of them before the response would hold the response too. The response comes anyway, with only the
    /// task stored; once the locks go, the rest follows and the task is graded.</summary>
    [Fact]
    public async Task SubmitAnswersWithOnlyTheTaskStoredAndTheRestFollows()
    {
        var assignment = $"one-write-{LocalStack.RunId}";
        var student = $"one-write-student-{LocalStack.RunId}";
        await grader.DemoAssignmentAsync(assignment);
        using var client = grader.AnonymousClient();
        await TestAccounts.SignInAsync(grader.Services, client, student, UserRole.Student);
        // The first submission stores the student's limits row, so that the second can be held by its lock.
        Assert.Equal(GradingStatus.Completed, (await grader.FinalAsync(await SubmitAsync(client, assignment))).Status);
        await WaitUntilAsync(async () => await SubmissionRowVersionAsync(assignment, student) is not null);
        var limitsVersion = await SubmissionRowVersionAsync(assignment, student);

        Guid id;
        await using (var locks = new NpgsqlConnection(LocalStack.AdminConnectionString(grader.StateDatabase)))
        {
            await locks.OpenAsync();
            await using var hold = await locks.BeginTransactionAsync();
            await using (var command = new NpgsqlCommand("""
                LOCK TABLE queue_entry, queue_user, task_summary, step_verdict, orleansreminders IN SHARE MODE;
                SELECT 1 FROM orleansstorage WHERE graintypestring = 'submission' AND grainidextensionstring = @key FOR UPDATE;
                """, locks, hold))
            {
                command.Parameters.AddWithValue("key", SubmissionKeys.For(assignment, student));
                await command.ExecuteNonQueryAsync();
            }

            id = await SubmitAsync(client, assignment).WaitAsync(TimeSpan.FromSeconds(20));

            Assert.Equal(1L, await CountAsync("SELECT count(*) FROM grain_state WHERE state_name = 'task' AND grain_key = @id", id));
            Assert.Equal(0L, await CountAsync("SELECT count(*) FROM queue_entry WHERE task_id = @id::uuid", id));
            Assert.Equal(0L, await CountAsync("SELECT count(*) FROM task_summary WHERE task_id = @id::uuid", id));
            Assert.Equal(0L, await CountAsync("SELECT count(*) FROM orleansreminders WHERE grainid LIKE '%' || @id || '%' OR grainid LIKE '%' || replace(@id, '-', '') || '%'", id));
            Assert.Equal(limitsVersion, await SubmissionRowVersionAsync(assignment, student));
            await hold.RollbackAsync();
        }

        var final = await grader.FinalAsync(id);
        // A student's run: the public scenarios only, all passed.
        Assert.Equal((GradingStatus.Completed, final.MaxScore), (final.Status, final.Score));
        // The summary follows each transition's event, so it may lag the final one by a moment.
        await WaitUntilAsync(async () => await LocalStack.ScalarAsync<string>(grader.StateDatabase, "SELECT status FROM task_summary WHERE task_id = @id", ("id", id)) == "Completed");
        await WaitUntilAsync(async () => await SubmissionRowVersionAsync(assignment, student) > limitsVersion);
    }

    private async Task<Guid> SubmitAsync(HttpClient client, string assignment)
    {
        using var response = await client.PostAsJsonAsync("/api/tasks", new { assignmentId = assignment, image = grader.Image("correct") });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("task").GetProperty("id").GetGuid();
    }

    private Task<long> CountAsync(string sql, Guid id) => LocalStack.ScalarAsync<long>(grader.StateDatabase, sql, ("id", id.ToString()));

    private Task<int?> SubmissionRowVersionAsync(string assignment, string student) =>
        LocalStack.ScalarAsync<int?>(grader.StateDatabase, "SELECT version FROM orleansstorage WHERE graintypestring = 'submission' AND grainidextensionstring = @key",
            ("key", SubmissionKeys.For(assignment, student)));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 30 s");
            await Task.Delay(100);
        }
    }
}
