using System.Net;
using Grader.Sandbox;
using Grader.Sandbox.Diagnosis;

namespace Grader.UnitTests.Sandbox.Diagnosis;

/// <summary>The probe's reasoning over a scripted container: what it sees each round decides the verdict.</summary>
public class ReadinessProbeEvidenceTests
{
    private sealed class ScriptedWatch(Func<int, IReadOnlyList<Listener>> listeners, Func<int, string> logs) : IContainerWatch
    {
        public int Rounds { get; private set; }

        public Task<ContainerOutcome> InspectAsync(CancellationToken ct)
        {
            Rounds++;
            return Task.FromResult(new ContainerOutcome(true, null, false, null, 4242));
        }

        public IReadOnlyList<Listener>? Listeners(int pid) => listeners(Rounds);

        public Task<string?> ReadLogsAsync(CancellationToken ct) => Task.FromResult<string?>(logs(Rounds));
    }

    private static readonly ReadinessProbe Probe = new(new HttpClient());

    // An empty address makes every connect attempt fail at once, as a closed port would.
    private static Task<ProbeResult> WaitAsync(IContainerWatch watch) =>
        Probe.WaitAsync("", 8000, null, TimeSpan.FromSeconds(20), watch, CancellationToken.None);

    [Fact]
    public async Task ALoopbackListenerOnThePortEndsTheWaitInTheRoundItAppears()
    {
        var watch = new ScriptedWatch(round => round >= 3 ? [new Listener(IPAddress.Loopback, 8000)] : [], _ => "");

        var result = await WaitAsync(watch);

        Assert.Equal(Readiness.ListensElsewhere, result.Readiness);
        Assert.Equal(3, watch.Rounds);
        Assert.Contains("127.0.0.1:8000", result.Detail);
    }

    [Fact]
    public async Task AListenerOnAnotherPortMustStandForTheGraceFirst()
    {
        var watch = new ScriptedWatch(_ => [new Listener(IPAddress.Any, 5000)], _ => "");

        var result = await WaitAsync(watch);

        Assert.Equal(Readiness.ListensElsewhere, result.Readiness);
        Assert.InRange(result.Elapsed, ListenerDiagnosis.WrongPortGrace, TimeSpan.FromSeconds(5));
        Assert.Contains("not on port 8000", result.Detail);
    }

    [Fact]
    public async Task AHelperPortThatIsJoinedByTheRightOneIsNoVerdict()
    {
        var watch = new ScriptedWatch(round => round < 4 ? [new Listener(IPAddress.Loopback, 9229)] : [new Listener(IPAddress.Loopback, 9229), new Listener(IPAddress.Any, 8000)],
            round => round > 30 ? "Traceback (most recent call last):\n  x\nValueError: stop\n" : "");

        var result = await WaitAsync(watch);

        // The right listener came in time; what ended this wait was the later traceback.
        Assert.Equal(Readiness.FatalError, result.Readiness);
    }

    [Fact]
    public async Task AFatalErrorInTheOutputEndsTheWaitWithItsLine()
    {
        var watch = new ScriptedWatch(_ => [], round => round >= 2 ? "Traceback (most recent call last):\n  File \"m.py\"\nKeyError: 'NAME'\n" : "booting\n");

        var result = await WaitAsync(watch);

        Assert.Equal(Readiness.FatalError, result.Readiness);
        Assert.Equal("KeyError: 'NAME'", result.Detail);
        Assert.InRange(result.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));
    }
}
