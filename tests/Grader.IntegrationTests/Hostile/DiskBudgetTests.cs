using System.Text.RegularExpressions;
using Grader.Sandbox;
using Grader.Sandbox.Docker;

namespace Grader.IntegrationTests.Hostile;

/// <summary>Nothing a student image does grows the host's disk past its budget.</summary>
[Collection(GradingCollection.Name)]
public sealed partial class DiskBudgetTests(GraderFixture grader) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    [Fact]
    public async Task WritingThreeGigabytesStopsAtTheTmpfsCapAndTheHostDiskIsUntouched()
    {
        await grader.DemoAssignmentAsync("disk-fill");
        var dockerRoot = Path.Combine(LocalStack.Get("GRADER_HOME"), "docker");
        var freeBefore = new DriveInfo(dockerRoot).AvailableFreeSpace;

        var task = await grader.RunAsync(new TaskSpec("student-disk", "disk-fill", grader.Image("disk-fill"), false));

        Assert.True(task.Status == GradingStatus.Completed, task.Message);
        Assert.Equal(task.MaxScore, task.Score);
        // 256 MB of memory: /var/tmp holds 32 MB and /tmp 64 MB; the root file system takes nothing.
        var varTmp = Wrote().Match(task.ContainerLogs!, 0) is { Success: true } m && m.Groups["dir"].Value == "/var/tmp" ? long.Parse(m.Groups["mb"].Value, System.Globalization.CultureInfo.InvariantCulture) : -1;
        Assert.InRange(varTmp, 1, 32);
        Assert.Matches(@"wrote \d+ MB to /var/tmp, then: No space left on device", task.ContainerLogs);
        Assert.Matches(@"wrote [1-6]?\d MB to /tmp, then: No space left on device", task.ContainerLogs);
        Assert.Matches(@"wrote 0 MB to /, then: .*(Read-only file system|denied)", task.ContainerLogs);
        Assert.False(task.OomKilled);
        var lost = freeBefore - new DriveInfo(dockerRoot).AvailableFreeSpace;
        Assert.True(lost < 1024L * 1024 * 1024, $"the host's disk lost {lost / (1024 * 1024)} MB");
    }

    [Fact]
    public async Task LayerBombIsRefusedAfterThePullAndRemoved()
    {
        await grader.DemoAssignmentAsync("layer-bomb");
        var image = grader.Hostile("layer-bomb");

        var task = await grader.RunAsync(new TaskSpec("student-bomb", "layer-bomb", image, false), TimeSpan.FromMinutes(4));

        Assert.Equal(GradingStatus.Failed, task.Status);
        Assert.Equal(AttemptEnd.ImageRefused, task.End);
        Assert.Matches(@"unpacks to 15\d\d(\.\d)? MB, and the limit is 1024 MB\. It was removed", task.Message);
        Assert.Equal(1, task.Attempt);
        var images = await grader.Docker().Client.Images.ListImagesAsync(new Docker.DotNet.Models.ImagesListParameters { All = true });
        Assert.DoesNotContain(images, i => (i.RepoTags ?? []).Contains(image) || i.Size > 1024L * 1024 * 1024);
    }

    [Fact]
    public async Task ImageBudgetCountsSharedLayersOnceAndRemovesNothingWithinIt()
    {
        var collector = grader.Services.GetRequiredService<ImageCollector>();
        var images = await grader.Docker().Client.Images.ListImagesAsync(new Docker.DotNet.Models.ImagesListParameters());

        var used = await grader.Docker().ImageLayersBytesAsync(CancellationToken.None);

        // The student app's variants share their layers: the engine's real usage is far below the sum.
        Assert.InRange(used, 100L * 1024 * 1024, Math.Max(images.Sum(i => i.Size) - 1, 100L * 1024 * 1024));
        Assert.Empty(await collector.CollectAsync(CancellationToken.None));
    }

    [GeneratedRegex(@"wrote (?<mb>\d+) MB to (?<dir>\S+), then")]
    private static partial Regex Wrote();
}
