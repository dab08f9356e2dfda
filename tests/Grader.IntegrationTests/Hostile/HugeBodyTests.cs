using System.Diagnostics;
using Grader.Tasks;
using Xunit.Abstractions;

namespace Grader.IntegrationTests.Hostile;

/// <summary>Answers built to choke the judge: an object of 300,000 keys and one nested 100,000 deep.
/// Each gets a verdict within the judging deadline, and the grader stays ready.</summary>
[Collection(HostileCollection.Name)]
public sealed class HugeBodyTests(HostileFixture grader, ITestOutputHelper output) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    [Fact]
    public async Task ThreeHundredThousandKeysAndDeepNestingAreJudgedWithinTheDeadlineAndTheGraderStaysReady()
    {
        var assignment = await grader.DemoAssignmentAsync("hostile-huge-body", HostileAssignments.HugeBodies);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;

        var task = await grader.RunAsync(new TaskSpec("student-huge-body", assignment.Id, grader.Image("huge-body"), false));

        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        // Judged, not timed out: a comparison past Docker:JudgingTimeout would be an error step instead.
        HostileAssignments.HugeBodiesJudged(task);
        var huge = task.Steps.Single(s => s.ScenarioId == "huge-exact");
        Assert.True(huge.ResponseBody!.Length < 64 * 1024, $"the stored response is {huge.ResponseBody.Length} chars; it should be cut to the response limit");
        using var ready = await grader.AnonymousClient().GetAsync("/readyz");
        Assert.True(ready.IsSuccessStatusCode, await ready.Content.ReadAsStringAsync());
        output.WriteLine($"grader process CPU for the whole task (start, three judged steps, cleanup): {cpu.TotalMilliseconds:0} ms");
        // The quadratic matcher this replaces spent about 190 s of CPU on each 300k-key step.
        Assert.True(cpu < TimeSpan.FromSeconds(30), $"the grader used {cpu.TotalSeconds:0.0} s of CPU on one task");
    }
}
