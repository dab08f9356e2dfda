using System.Globalization;
using System.Text.RegularExpressions;

namespace Grader.IntegrationTests.Grading;

/// <summary>A student app that does not answer gets a verdict whose first line names the cause, found in
/// the evidence (socket table, output, exit code), well before the startup timeout.</summary>
[Collection(GradingCollection.Name)]
public sealed partial class VerdictEvidenceTests(GraderFixture grader) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    private static string FirstLine(TaskView task) => task.Message!.Split('\n')[0];

    [Fact]
    public async Task LoopbackOnlyAppIsToldSoWithinASecondOfListening()
    {
        await grader.DemoAssignmentAsync("verdict-loopback", a => a with { StartupTimeoutSeconds = 60 });

        var task = await grader.RunAsync(new TaskSpec("student-v1", "verdict-loopback", grader.Image("loopback"), false));

        Assert.Equal((GradingStatus.Failed, AttemptEnd.NotReady), (task.Status, task.End));
        Assert.StartsWith("The app listens on 127.0.0.1:8000, which only the container itself can reach. Listen on 0.0.0.0:8000", FirstLine(task));
        var listening = DateTimeOffset.Parse(ListeningSince().Match(task.ContainerLogs!).Groups[1].Value, CultureInfo.InvariantCulture);
        // The verdict (its "seen after" time) comes from the probe round right after the app listened.
        var probing = task.Phases.Single(p => p.Phase == "probing").At;
        var seenAfter = TimeSpan.FromSeconds(double.Parse(SeenAfter().Match(task.Message!).Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.InRange((probing + seenAfter - listening).TotalSeconds, -0.2, 1.0);
    }

    [Fact]
    public async Task TracebackAtImportEndsTheWaitEarlyAndLeadsTheVerdict()
    {
        await grader.DemoAssignmentAsync("verdict-traceback", a => a with { StartupTimeoutSeconds = 60 });

        var task = await grader.RunAsync(new TaskSpec("student-v2", "verdict-traceback", grader.Image("traceback"), false));

        Assert.Equal(AttemptEnd.NotReady, task.End);
        Assert.Equal("pydantic_core._pydantic_core.ValidationError: 1 validation error for Settings", FirstLine(task));
        Assert.Contains("Field required [type=missing", task.Message);
        var probing = task.Phases.Single(p => p.Phase == "probing").At;
        Assert.InRange((task.FinishedAt!.Value - probing).TotalSeconds, 0, 10);
    }

    [Fact]
    public async Task DefaultPortDatabaseConnectionShowsTheDriversError()
    {
        await grader.DemoAssignmentAsync("verdict-db-port", a => a with { StartupTimeoutSeconds = 60 });

        var task = await grader.RunAsync(new TaskSpec("student-v3", "verdict-db-port", grader.Image("default-port-db"), false));

        Assert.Equal(AttemptEnd.Crashed, task.End);
        Assert.Matches(@"^Unhandled exception\. Npgsql\.NpgsqlException \(0x[0-9A-F]+\): Failed to connect to [0-9.]+:5432$", FirstLine(task));
        Assert.Contains("Failed to connect to", task.ContainerLogs);
        // Fails fast: the firewall answers with a reset, so the driver says "refused" at once instead of
        // timing out after the app's 5 s connect timeout (a dropped packet would give a TimeoutException).
        Assert.Contains("Connection refused", task.ContainerLogs);
        Assert.DoesNotContain("TimeoutException", task.ContainerLogs);
        var probing = task.Phases.Single(p => p.Phase == "probing").At;
        Assert.True((task.FinishedAt!.Value - probing).TotalSeconds < 5, $"ended {(task.FinishedAt!.Value - probing).TotalSeconds:0.0} s after probing began:\n{task.ContainerLogs}");
        Assert.Contains($"The app {Grader.Sandbox.Diagnosis.ExitCodes.Describe(task.ExitCode, false)} before it answered on port 8000.", task.Message);
        Assert.NotEqual(0L, task.ExitCode);
    }

    [Fact]
    public async Task SegmentationFaultIsNamed()
    {
        await grader.DemoAssignmentAsync("verdict-segv");

        var task = await grader.RunAsync(new TaskSpec("student-v4", "verdict-segv", grader.Image("segfault"), false));

        Assert.Equal((AttemptEnd.Crashed, 139L), (task.End, task.ExitCode));
        Assert.Equal("The app crashed with a segmentation fault (SIGSEGV, exit code 139) before it answered on port 8000.", FirstLine(task));
    }

    [Fact]
    public async Task OutOfMemoryKillIsNamed()
    {
        await grader.DemoAssignmentAsync("verdict-oom", a => a with { Limits = a.Limits with { MemoryMb = 96 } });

        var task = await grader.RunAsync(new TaskSpec("student-v5", "verdict-oom", grader.Image("oom"), false));

        Assert.Equal((AttemptEnd.Crashed, 137L, true), (task.End, task.ExitCode, task.OomKilled));
        Assert.StartsWith("The app was killed (out of memory, exit code 137)", FirstLine(task));
    }

    [GeneratedRegex(@"listening on 127\.0\.0\.1 since (\S+)")]
    private static partial Regex ListeningSince();

    [GeneratedRegex(@"seen after ([0-9.]+) s")]
    private static partial Regex SeenAfter();
}
