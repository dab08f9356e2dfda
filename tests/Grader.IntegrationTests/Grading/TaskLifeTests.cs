using System.Text.RegularExpressions;
using Grader.IntegrationTests.Auth;

namespace Grader.IntegrationTests.Grading;

/// <summary>The task's life cycle under faults of ours: failed state writes, internal errors, a read
/// model that fell behind.</summary>
[Collection(GradingCollection.Name)]
public sealed partial class TaskLifeTests(GraderFixture grader) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    /// <summary>A correct run stores the changes that must be stored at once (submit, claim, finish; phases
    /// and steps go with the next of them): counted on a clean run first. Task k then fails its k-th write once; every task must still
    /// end with full marks, exactly once.</summary>
    [Fact]
    public async Task EveryTaskEndsCorrectlyWhenOneStateWriteFailsAtEachTransition()
    {
        await grader.DemoAssignmentAsync("write-faults");
        var probe = Guid.NewGuid();
        grader.StorageFaults.FailWrite(grader.Grains.GetGrain<ITaskGrain>(probe).GetGrainId(), int.MaxValue);
        var clean = grader.Transitions.WaitForAsync(probe, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(2));
        await grader.Grains.GetGrain<ITaskGrain>(probe).SubmitAsync(new TaskSpec("write-faults-staff", "write-faults", grader.Image("correct"), IncludePrivate: true));
        Assert.Equal(GradingStatus.Completed, (await clean).Status);
        var writes = grader.StorageFaults.WritesOf(grader.Grains.GetGrain<ITaskGrain>(probe).GetGrainId());
        Assert.InRange(writes, 3, 30);
        var ids = Enumerable.Range(0, writes).Select(_ => Guid.NewGuid()).ToList();
        var finished = ids.Select(id => grader.Transitions.WaitForAsync(id, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(4))).ToList();
        for (var i = 0; i < writes; i++)
        {
            grader.StorageFaults.FailWrite(grader.Grains.GetGrain<ITaskGrain>(ids[i]).GetGrainId(), i + 1);
        }

        foreach (var id in ids)
        {
            var spec = new TaskSpec("write-faults-staff", "write-faults", grader.Image("correct"), IncludePrivate: true);
            try
            {
                await grader.Grains.GetGrain<ITaskGrain>(id).SubmitAsync(spec);
            }
            catch (Exception)
            {
                // The injected failure of the first write: a caller repeats the submission, as the API does.
                await grader.Grains.GetGrain<ITaskGrain>(id).SubmitAsync(spec);
            }
        }

        var views = await Task.WhenAll(finished);

        var ours = ids.Select(id => grader.Grains.GetGrain<ITaskGrain>(id).GetGrainId()).ToHashSet();
        Assert.Equal(Enumerable.Range(1, writes), grader.StorageFaults.Injected.Where(f => ours.Contains(f.Grain)).Select(f => f.Write).Order());
        Assert.All(views, v =>
        {
            Assert.Equal(GradingStatus.Completed, v.Status);
            Assert.Equal(8m, v.MaxScore);
            Assert.Equal(v.MaxScore, v.Score);
            Assert.Equal(6, v.Steps.Count);
        });
        foreach (var id in ids)
        {
            // What is stored, not what an activation remembers: read it back from a fresh activation.
            var task = grader.Grains.GetGrain<ITaskGrain>(id);
            await task.Cast<Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle();
            var stored = (await task.GetAsync())!;
            Assert.Equal((GradingStatus.Completed, 8m), (stored.Status, stored.Score));
            Assert.Single(stored.Phases, p => p.Phase == "completed");
        }
    }

    /// <summary>Acceptance 7: an attempt fails with an internal exception (here PostgreSQL refuses to clone
    /// a template that does not exist). Staff see the exception; the student's API view and page do not.</summary>
    [Fact]
    public async Task StudentSeesNoExceptionTypeStackFrameOrSiloAddressOfAnInternalFailure()
    {
        const string student = "redaction-student";
        await grader.DemoAssignmentAsync("internal-failure", a => a with { Database = $"grader_it_no_such_template_{LocalStack.RunId}" });

        var task = await grader.RunAsync(new TaskSpec(student, "internal-failure", grader.Image("correct"), IncludePrivate: false));

        Assert.Equal((GradingStatus.Failed, AttemptEnd.InfrastructureError), (task.Status, task.End));
        Assert.Contains("PostgresException", task.StaffMessage, StringComparison.Ordinal);
        Assert.Contains(task.Phases, p => p.Phase == "requeued" && p.StaffDetail!.Contains("PostgresException", StringComparison.Ordinal));
        using var client = grader.AnonymousClient();
        await TestAccounts.SignInAsync(grader.Services, client, student, UserRole.Student);
        var api = await client.GetStringAsync($"/api/tasks/{task.Id}");
        var page = await client.GetStringAsync($"/tasks/{task.Id}");
        foreach (var shown in new[] { api, page })
        {
            Assert.DoesNotContain("Exception", shown, StringComparison.Ordinal);
            Assert.DoesNotMatch(StackFrame(), shown);
            Assert.DoesNotMatch(SiloAddress(), shown);
            Assert.Contains("re-run: the grader", shown, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("staffMessage\":\"", api, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadModelRepairRewritesSummariesThatFellBehindTheirTask()
    {
        await grader.DemoAssignmentAsync("read-model-repair");
        var behind = await grader.RunAsync(new TaskSpec("repair-staff", "read-model-repair", grader.Image("correct"), IncludePrivate: true));
        var missing = await grader.RunAsync(new TaskSpec("repair-staff", "read-model-repair", grader.Image("correct"), IncludePrivate: true));
        // As a failed last write leaves them: one summary stuck at an early revision, one never written.
        await LocalStack.ExecAsync(grader.StateDatabase, $"UPDATE task_summary SET revision = 2, status = 'Testing', finished_at = NULL WHERE task_id = '{behind.Id}'");
        await LocalStack.ExecAsync(grader.StateDatabase, $"DELETE FROM task_summary WHERE task_id = '{missing.Id}'");

        var repaired = await grader.Services.GetRequiredService<TaskReadModelRepair>().RepairAsync(TimeSpan.Zero, CancellationToken.None);

        Assert.True(repaired >= 2, $"repaired {repaired}");
        foreach (var id in new[] { behind.Id, missing.Id })
        {
            Assert.Equal("Completed", await LocalStack.ScalarAsync<string>(grader.StateDatabase, "SELECT status FROM task_summary WHERE task_id = @id", ("id", id)));
            Assert.Equal(8m, await LocalStack.ScalarAsync<decimal>(grader.StateDatabase, "SELECT score FROM task_summary WHERE task_id = @id", ("id", id)));
        }

        // Repairing again finds nothing: what it wrote is now as new as the grains.
        Assert.Equal(0, await grader.Services.GetRequiredService<TaskReadModelRepair>().RepairAsync(TimeSpan.Zero, CancellationToken.None));
    }

    [GeneratedRegex(@"\bat [A-Z][\w.]+\.[\w<>]+\(")]
    private static partial Regex StackFrame();

    // Orleans writes a silo as S<ip>:<port>:<generation>; the image's registry address is allowed.
    [GeneratedRegex(@"S\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}:\d+:\d+")]
    private static partial Regex SiloAddress();
}
