using Grader.Sandbox;

namespace Grader.IntegrationTests.Clones;

/// <summary>A grader of its own, stopped while its pool holds clones.</summary>
[Collection(ClonePoolCollection.Name)]
public sealed class ClonePoolShutdownTests
{
    private sealed class StoppingGrader() : ClonePoolFixture("clones-stop");

    [Fact]
    public async Task NothingPooledIsLeftAfterTheGraderStops()
    {
        var grader = new StoppingGrader();
        await grader.InitializeAsync();
        string prefix;
        try
        {
            prefix = grader.PoolPrefix;
            var assignment = await grader.DemoAssignmentAsync("pool-stop");
            grader.Runner.Drain();
            await grader.Grains.GetGrain<ITaskGrain>(Guid.NewGuid()).SubmitAsync(new TaskSpec("student-stop", assignment.Id, grader.Image("correct"), false));
            await grader.FillUntilAsync(p => p.Count > 0, "a clone");
            Assert.NotEmpty(await grader.PooledOnServerAsync());
        }
        finally
        {
            await grader.DisposeAsync();
        }

        Assert.Equal(0L, await LocalStack.ScalarAsync<long>("postgres",
            "SELECT (SELECT count(*) FROM pg_database WHERE starts_with(datname, @p)) + (SELECT count(*) FROM pg_roles WHERE starts_with(rolname, @p))", ("p", prefix)));
    }
}
