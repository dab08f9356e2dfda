namespace Grader.Tasks;

/// <summary>What the grain does once a change is stored. Each effect is safe to repeat, and each is
/// repeated by the watchdog if the grain fails before it (see <see cref="TaskGrain"/>).</summary>
[Flags]
public enum TaskEffects
{
    None = 0,
    /// <summary>Put the task in line (again).</summary>
    Enqueue = 1,
    /// <summary>Take the task out of the line if it is still there.</summary>
    LeaveQueue = 2,
    /// <summary>Tell the runner of the attempt that was current before the change to stop it.</summary>
    StopRunner = 4,
    /// <summary>The task is final: its watchdog reminder goes.</summary>
    StopWatchdog = 8,
}

/// <summary>The state a transition leads to and what must happen after it is stored. A change that is
/// not <paramref name="Durable"/> is adopted without a write of its own; the next durable one stores it.</summary>
public sealed record TaskChange(TaskState Next, TaskEffects Effects, bool Durable = true);

/// <summary>The task's life cycle as pure rules, free of Orleans so every transition can be unit-tested
/// (like <see cref="Queue.FairQueue"/>). Each rule reads a state and returns the next one as a new copy,
/// or null when the call changes nothing: a duplicate, a late report for an attempt that is no longer
/// current, or a call that does not apply to the task's status. The given state is never changed, so a
/// grain whose write fails still holds the state it had.
/// <para>What is stored at once: the submission, the claim (its attempt and host are what the watchdog and
/// the dead-host sweep act on), every end and every requeue. Phases and step verdicts are not: each report
/// would otherwise rewrite the whole task, its growing list of results included, about a dozen times per
/// task. The activation keeps them, live views see them, and the next stored change writes them. An
/// activation lost mid-attempt loses only their display until then: the watchdog asks the runner whether
/// the attempt still runs whatever phase it was in, a repeated claim by the same host is ignored by the
/// host that already runs the attempt, and the finish report carries every step again.</para></summary>
public static class TaskLifecycle
{
    public static bool IsCurrent(TaskState s, int attempt) =>
        s.Spec is not null && !s.Status.IsTerminal() && s.Status != GradingStatus.Queued && attempt == s.Attempt;

    /// <summary>A task is created once; submitting again (a retried call) changes nothing.</summary>
    public static TaskChange? Submit(TaskState s, TaskSpec spec, DateTimeOffset now)
    {
        if (s.Spec is not null)
        {
            return null;
        }

        var next = s.Copy();
        next.Spec = spec;
        next.Status = GradingStatus.Queued;
        next.CreatedAt = now;
        return new TaskChange(next, TaskEffects.Enqueue);
    }

    public static TaskChange? Cancel(TaskState s, string requestedBy, DateTimeOffset now) =>
        EndEarly(s, GradingStatus.Cancelled, $"Cancelled by {requestedBy}.", now);

    /// <summary>The student submitted again to an assignment that keeps only the newest submission.</summary>
    public static TaskChange? Supersede(TaskState s, Guid newerTaskId, DateTimeOffset now) =>
        EndEarly(s, GradingStatus.Superseded, $"Superseded by a newer submission ({newerTaskId}).", now);

    /// <summary>A runner takes a queued task. <paramref name="maxScore"/> is null when the assignment no
    /// longer exists, which fails the task: nothing could ever grade it.</summary>
    public static TaskChange? Claim(TaskState s, string host, decimal? maxScore, DateTimeOffset now)
    {
        if (s.Spec is null || s.Status != GradingStatus.Queued)
        {
            return null;
        }

        if (maxScore is null)
        {
            return Finish(s, GradingStatus.Failed, null, $"The assignment '{s.Spec.AssignmentId}' does not exist.", null, now);
        }

        var next = s.Copy();
        next.Attempt++;
        next.Status = GradingStatus.Preparing;
        next.Host = host;
        next.StartedAt = now;
        next.MaxScore = maxScore.Value;
        next.Phases.Add(new PhaseEvent(next.Attempt, "claimed", host, now));
        return new TaskChange(next, TaskEffects.None);
    }

    /// <summary>The host claimed the current attempt but has reported nothing for it: its claim's answer was
    /// lost (the state was stored, the reply never arrived), so the host never started it. Asking again, it
    /// gets the same attempt back instead of nothing, which would leave the task waiting for the watchdog.
    /// A host that did start the attempt has reported "pulling" by then, and never runs one attempt twice.</summary>
    public static bool IsUnstartedClaimBy(TaskState s, string host) =>
        s.Spec is not null && s.Status == GradingStatus.Preparing && s.Host == host
        && s.Phases.Where(p => p.Attempt == s.Attempt).All(p => p.Phase == "claimed");

    public static TaskChange? Phase(TaskState s, int attempt, string phase, string? detail, DateTimeOffset now)
    {
        if (!IsCurrent(s, attempt))
        {
            return null;
        }

        var next = s.Copy();
        next.Status = phase switch
        {
            "starting" or "probing" => GradingStatus.Starting,
            "testing" => GradingStatus.Testing,
            _ => s.Status,
        };
        next.Phases.Add(new PhaseEvent(attempt, phase, detail, now));
        return new TaskChange(next, TaskEffects.None, Durable: false);
    }

    /// <summary>A step's verdict; a repeated delivery of the same step replaces the earlier one.</summary>
    public static TaskChange? Step(TaskState s, StepResult result)
    {
        if (!IsCurrent(s, result.Attempt))
        {
            return null;
        }

        var next = s.Copy();
        next.Steps.RemoveAll(x => x.SameStepAs(result));
        next.Steps.Add(result);
        return new TaskChange(next, TaskEffects.None, Durable: false);
    }

    public static TaskChange? FinishAttempt(TaskState s, int attempt, AttemptReport report, int maxAttempts, DateTimeOffset now)
    {
        if (!IsCurrent(s, attempt))
        {
            return null;
        }

        var withOutput = s.Copy();
        withOutput.ContainerLogs = report.ContainerLogs;
        withOutput.ExitCode = report.ExitCode;
        withOutput.OomKilled = report.OomKilled;
        withOutput.ImageDigest = report.ImageDigest ?? s.ImageDigest;
        if (report.Steps is { } steps)
        {
            // The runner's list is whole and in run order; an activation that was lost mid-attempt lacks some.
            withOutput.Steps = [.. s.Steps.Where(x => x.Attempt != attempt), .. steps.Where(x => x.Attempt == attempt)];
        }

        if (report.Phases is { } phases && phases.Any(p => p.Attempt == attempt && !s.Phases.Exists(x => x.Attempt == attempt && x.Phase == p.Phase)))
        {
            withOutput.Phases = RestorePhases(s.Phases, attempt, phases);
        }

        return report.End switch
        {
            AttemptEnd.Tested => Finish(withOutput, GradingStatus.Completed, report.End, report.Message, null, now),
            AttemptEnd.InfrastructureError => RetryOrFail(withOutput, report.Fault ?? InfrastructureFault.Internal,
                report.Message ?? "The runner failed.", maxAttempts, now, report.HandedBack),
            AttemptEnd.Cancelled => Finish(withOutput, GradingStatus.Cancelled, report.End, report.Message ?? "Cancelled.", null, now),
            _ => Finish(withOutput, GradingStatus.Failed, report.End, report.Message, null, now),
        };
    }

    /// <summary>The attempt's timeline with the runner's phases in it: those this activation kept, and
    /// those it lost, stamped by the runner when it reported them. The grain's own entries for the attempt
    /// (its claim) stay where they were.</summary>
    private static List<PhaseEvent> RestorePhases(List<PhaseEvent> kept, int attempt, IReadOnlyList<PhaseEvent> reported)
    {
        var lost = reported.Where(p => p.Attempt == attempt && !kept.Exists(x => x.Attempt == attempt && x.Phase == p.Phase));
        // Earlier attempts are all before this one; OrderBy is stable, so equal stamps keep their order.
        return [.. kept.Where(p => p.Attempt != attempt), .. kept.Where(p => p.Attempt == attempt).Concat(lost).OrderBy(p => p.At)];
    }

    /// <summary>The attempt was lost on our side without a report (its host died or forgot it): the task
    /// goes back in line, uncharged, or fails once it has used all its attempts.</summary>
    public static TaskChange? AttemptLost(TaskState s, int attempt, InfrastructureFault fault, string staffDetail, int maxAttempts, DateTimeOffset now) =>
        IsCurrent(s, attempt) ? RetryOrFail(s, fault, staffDetail, maxAttempts, now) : null;

    /// <summary>What a student reads about a fault of ours: no exception text, host or address.</summary>
    public static string PlainWords(InfrastructureFault fault) => fault switch
    {
        InfrastructureFault.GraderDatabase => "re-run: the grader's database restarted",
        InfrastructureFault.Engine => "re-run: the grader's container engine was unavailable",
        InfrastructureFault.HostLost => "re-run: the grading machine stopped answering",
        InfrastructureFault.HostStopping => "re-run: the grading machine was shut down",
        InfrastructureFault.EngineRestarted => "re-run: the grading host's engine restarted",
        _ => "re-run: the grader had an internal problem",
    };

    /// <summary>A hand-back is free, but not without end: an image that hangs every engine it meets would
    /// otherwise be handed from host to host for ever.</summary>
    public const int HandBacksPerAttempt = 3;

    /// <summary>Attempts that count toward <c>Tasks:MaxAttempts</c>: all but those a host handed back.</summary>
    public static int ChargedAttempts(TaskState s) => s.Attempt - s.HandBacks;

    private static TaskChange RetryOrFail(TaskState s, InfrastructureFault fault, string staffDetail, int maxAttempts, DateTimeOffset now,
        bool handedBack = false)
    {
        var plain = PlainWords(fault);
        if (handedBack)
        {
            s = s.Copy();
            s.HandBacks++;
        }

        if (ChargedAttempts(s) >= maxAttempts || s.HandBacks > maxAttempts * HandBacksPerAttempt)
        {
            return Finish(s, GradingStatus.Failed, AttemptEnd.InfrastructureError,
                $"The grader could not run this task ({plain}, {s.Attempt} times); it is not counted against you. Please submit again later.",
                $"{staffDetail} Gave up after {s.Attempt} attempts.", now);
        }

        var next = s.Copy();
        next.Status = GradingStatus.Queued;
        next.Phases.Add(new PhaseEvent(s.Attempt, "requeued", plain, now, staffDetail));
        next.Host = null;
        return new TaskChange(next, TaskEffects.Enqueue);
    }

    private static TaskChange? EndEarly(TaskState s, GradingStatus status, string message, DateTimeOffset now)
    {
        if (s.Spec is null || s.Status.IsTerminal())
        {
            return null;
        }

        var running = s.Status != GradingStatus.Queued && s.Host is not null;
        var next = Finish(s, status, AttemptEnd.Cancelled, message, null, now);
        return next with { Effects = next.Effects | TaskEffects.LeaveQueue | (running ? TaskEffects.StopRunner : TaskEffects.None) };
    }

    private static TaskChange Finish(TaskState s, GradingStatus status, AttemptEnd? end, string? message, string? staffMessage, DateTimeOffset now)
    {
        var next = s.Copy();
        next.Status = status;
        next.End = end;
        next.Message = message;
        next.StaffMessage = staffMessage;
        next.FinishedAt = now;
        next.Phases.Add(new PhaseEvent(s.Attempt, status.ToString().ToLowerInvariant(), message, now, staffMessage));
        return new TaskChange(next, TaskEffects.StopWatchdog);
    }
}
