using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grader.Tasks;

namespace Grader.Telemetry;

/// <summary>Every metric and span the grader emits, behind one-line calls, so grains and the runner
/// carry no telemetry code of their own. The names are listed in the README ("Metrics").
/// <para>A task's trace id is its id: every span of a task (submit, claim, the runner's job and each
/// phase, finish) belongs to that one trace on whichever silo it runs, with no trace context on the
/// wire. The HTTP request that submitted it is linked to its submit span.</para>
/// <para>Queued and running are up-down counters kept by the process where the change happened; sum
/// them over all processes (a task queued on one silo may be claimed on another).</para></summary>
public static class GraderTelemetry
{
    public const string Name = "Grader";

    private static readonly Meter Meter = new(Name);
    private static readonly ActivitySource Source = new(Name);

    private static readonly Counter<long> Submitted = Meter.CreateCounter<long>("grader.tasks.submitted", description: "Tasks submitted.");
    private static readonly UpDownCounter<long> Queued = Meter.CreateUpDownCounter<long>("grader.tasks.queued", description: "Tasks waiting in line.");
    private static readonly UpDownCounter<long> Running = Meter.CreateUpDownCounter<long>("grader.tasks.running", description: "Tasks claimed by a runner and not finished.");
    private static readonly Counter<long> Finished = Meter.CreateCounter<long>("grader.tasks.finished", description: "Tasks finished, by verdict.");
    private static readonly Counter<long> Requeued = Meter.CreateCounter<long>("grader.tasks.requeued", description: "Attempts lost to our side and put back in line.");
    private static readonly Histogram<double> QueueWait = Meter.CreateHistogram<double>("grader.task.queue_wait", "s", "Time from entering the line to a runner's claim.");
    private static readonly Histogram<double> PhaseDuration = Meter.CreateHistogram<double>("grader.job.phase.duration", "s", "Duration of each phase of a grading job.");
    private static readonly UpDownCounter<long> SlotsUsed = Meter.CreateUpDownCounter<long>("grader.runner.slots.used", description: "Runner slots in use, per host.");
    private static readonly Counter<long> PullBytes = Meter.CreateCounter<long>("grader.pull.bytes", "By", "Bytes of image layers downloaded.");
    private static readonly Counter<long> CloneClaims = Meter.CreateCounter<long>("grader.clone_pool.claims", description: "Isolated-database claims, by whether a pooled clone was taken.");
    private static readonly Counter<long> SignInFailures = Meter.CreateCounter<long>("grader.signin.failures", description: "Refused sign-ins, by reason.");

    public static void TaskSubmitted()
    {
        Submitted.Add(1);
        Queued.Add(1);
    }

    public static void TaskClaimed(TaskView view)
    {
        Queued.Add(-1);
        Running.Add(1);
        var since = view.Phases.LastOrDefault(p => p.Phase == "requeued")?.At ?? view.CreatedAt;
        QueueWait.Record(Math.Max(0, (DateTimeOffset.UtcNow - since).TotalSeconds));
    }

    public static void TaskRequeued()
    {
        Running.Add(-1);
        Queued.Add(1);
        Requeued.Add(1);
    }

    /// <summary>Call before the status changes: <paramref name="from"/> says which gauge the task leaves.</summary>
    public static void TaskFinished(GradingStatus from, GradingStatus to, AttemptEnd? end)
    {
        (from == GradingStatus.Queued ? Queued : Running).Add(-1);
        Finished.Add(1, new KeyValuePair<string, object?>("verdict", to.ToString()), new KeyValuePair<string, object?>("end", end?.ToString() ?? "none"));
    }

    public static void SlotTaken(string host) => SlotsUsed.Add(1, new KeyValuePair<string, object?>("host", host));

    public static void SlotFreed(string host) => SlotsUsed.Add(-1, new KeyValuePair<string, object?>("host", host));

    public static void Pulled(long bytes)
    {
        if (bytes > 0)
        {
            PullBytes.Add(bytes);
        }
    }

    public static void CloneClaimed(string host, bool fromPool) =>
        CloneClaims.Add(1, new KeyValuePair<string, object?>("host", host), new KeyValuePair<string, object?>("result", fromPool ? "hit" : "miss"));

    public static void SignInFailed(string reason) => SignInFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>A span of task <paramref name="taskId"/>'s trace; dispose it when the step is done.</summary>
    public static Activity? TaskSpan(Guid taskId, string name, ActivityKind kind = ActivityKind.Internal)
    {
        var current = Activity.Current;
        var parent = current is not null && current.TraceId == TraceOf(taskId) ? current.Context : RootOf(taskId);
        var links = current is not null && current.TraceId != parent.TraceId ? new[] { new ActivityLink(current.Context) } : null;
        var span = Source.StartActivity(name, kind, parent, links: links);
        span?.SetTag("grader.task_id", taskId);
        return span;
    }

    /// <summary>Times one phase of a job as a histogram and as a child span; dispose it when the phase ends.</summary>
    public static PhaseTiming Phase(string phase, string host) => new(phase, host, Source.StartActivity("phase " + phase));

    /// <summary>Runs one phase that produces a value, timed as by <see cref="Phase"/>.</summary>
    public static async Task<T> Timed<T>(string phase, string host, Func<Task<T>> work)
    {
        using var timing = Phase(phase, host);
        return await work();
    }

    public static ActivityTraceId TraceOf(Guid taskId) => ActivityTraceId.CreateFromString(taskId.ToString("N"));

    private static ActivityContext RootOf(Guid taskId)
    {
        Span<byte> bytes = stackalloc byte[16];
        taskId.TryWriteBytes(bytes);
        return new ActivityContext(TraceOf(taskId), ActivitySpanId.CreateFromBytes(bytes[..8]), ActivityTraceFlags.Recorded, isRemote: true);
    }

    public sealed class PhaseTiming(string phase, string host, Activity? span) : IDisposable
    {
        private readonly long _started = Stopwatch.GetTimestamp();

        public void Dispose()
        {
            PhaseDuration.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds,
                new KeyValuePair<string, object?>("phase", phase), new KeyValuePair<string, object?>("host", host));
            span?.Dispose();
        }
    }
}
