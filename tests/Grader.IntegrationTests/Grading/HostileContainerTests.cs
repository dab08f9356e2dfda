namespace Grader.IntegrationTests.Grading;

/// <summary>A student app that misbehaves gets a clear verdict, and the host is unaffected.</summary>
[Collection(GradingCollection.Name)]
public sealed class HostileContainerTests(GraderFixture grader) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    [Fact]
    public async Task AppThatEatsMemoryIsKilledAtItsLimitAndToldSo()
    {
        await grader.DemoAssignmentAsync("memory-hog", a => a with { Limits = a.Limits with { MemoryMb = 96 } });

        var task = await grader.RunAsync(new TaskSpec("student-oom", "memory-hog", grader.Image("oom"), false));

        Assert.Equal(GradingStatus.Failed, task.Status);
        Assert.Equal(AttemptEnd.Crashed, task.End);
        Assert.True(task.OomKilled);
        Assert.Contains("more memory than allowed", task.Message);
    }

    [Fact]
    public async Task AppThatFloodsItsOutputIsStillGradedAndItsLogIsCapped()
    {
        await grader.DemoAssignmentAsync("log-flood");

        var task = await grader.RunAsync(new TaskSpec("student-flood", "log-flood", grader.Image("flood"), false));

        Assert.Equal(GradingStatus.Completed, task.Status);
        Assert.All(task.Steps, s => Assert.Equal(StepOutcome.Passed, s.Outcome));
        Assert.StartsWith("[… earlier output cut]", task.ContainerLogs);
        Assert.InRange(task.ContainerLogs!.Length, 1000, 70 * 1024);
    }
}
