using System.Net;
using Grader.Sandbox;
using Grader.Sandbox.Diagnosis;

namespace Grader.UnitTests.Sandbox.Diagnosis;

/// <summary>The probe's reasoning over a scripted container: what it sees each round decides the verdict.
/// The probe runs on a virtual clock, so its intervals and grace hold exactly, however busy the machine.</summary>
public class ReadinessProbeEvidenceTests
{
    /// <summary>A clock that only moves when the probe waits: each timer moves it by its due time and fires at once.</summary>
    private sealed class VirtualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Add(ref _ticks, dueTime.Ticks);
            ThreadPool.QueueUserWorkItem(_ => callback(state));
            return new FiredTimer();
        }

        private sealed class FiredTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => false;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

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

    // An empty address makes every connect attempt fail at once, as a closed port would.
    private static Task<ProbeResult> WaitAsync(IContainerWatch watch) =>
        new ReadinessProbe(new HttpClient(), new VirtualClock()).WaitAsync("", 8000, null, TimeSpan.FromSeconds(20), watch, CancellationToken.None);

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
        // The first inspection at or after the grace, which comes every 100 ms.
        Assert.InRange(result.Elapsed, ListenerDiagnosis.WrongPortGrace, ListenerDiagnosis.WrongPortGrace + TimeSpan.FromMilliseconds(150));
        Assert.Contains("not on port 8000", result.Detail);
    }

    [Fact]
    public async Task AHelperPortThatIsJoinedByTheRightOneIsNoVerdict()
    {
        var watch = new ScriptedWatch(round => round < 4 ? [new Listener(IPAddress.Loopback, 9229)] : [new Listener(IPAddress.Loopback, 9229), new Listener(IPAddress.Any, 8000)],
            round => round > 30 ? "Traceback (most recent call last):\n  x\nValueError: stop\n" : "");

        var result = await WaitAsync(watch);

        // The right listener came in time (round 4, 0.3 s after the helper); what ended this wait was the
        // traceback from round 31 on, 3 s in.
        Assert.Equal(Readiness.FatalError, result.Readiness);
        Assert.InRange(result.Elapsed, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3.5));
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
