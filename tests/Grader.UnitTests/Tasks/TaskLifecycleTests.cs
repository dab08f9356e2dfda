namespace Grader.UnitTests.Tasks;

public class TaskLifecycleTests
{
    private const int MaxAttempts = 3;
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TaskSpec Spec = new("alice", "dbs-1", "registry/alice/app:1", IncludePrivate: false);

    public static TheoryData<GradingStatus> AllStatuses() => new(Enum.GetValues<GradingStatus>());

    public static TheoryData<GradingStatus> Running() => new(GradingStatus.Preparing, GradingStatus.Starting, GradingStatus.Testing);

    public static TheoryData<GradingStatus> NotRunning() =>
        new(Enum.GetValues<GradingStatus>().Where(s => s is not (GradingStatus.Preparing or GradingStatus.Starting or GradingStatus.Testing)));

    [Fact]
    public void SubmitQueuesANewTaskAndAsksForAnEnqueue()
    {
        var change = TaskLifecycle.Submit(new TaskState(), Spec, Now)!;

        Assert.Equal((GradingStatus.Queued, Spec, Now, 0), (change.Next.Status, change.Next.Spec, change.Next.CreatedAt, change.Next.Attempt));
        Assert.Equal(TaskEffects.Enqueue, change.Effects);
    }

    [Theory]
    [MemberData(nameof(AllStatuses))]
    public void SubmittingAgainChangesNothing(GradingStatus status) =>
        Assert.Null(TaskLifecycle.Submit(In(status), Spec with { Image = "other" }, Now));

    [Fact]
    public void AClaimWhoseAnswerWasLostIsHandedBackToTheSameHostOnlyUntilItReportsProgress()
    {
        var claimed = TaskLifecycle.Claim(In(GradingStatus.Queued, attempt: 1), "host-b", 6m, Now)!.Next;

        Assert.True(TaskLifecycle.IsUnstartedClaimBy(claimed, "host-b"));
        Assert.False(TaskLifecycle.IsUnstartedClaimBy(claimed, "host-c"));
        var started = TaskLifecycle.Phase(claimed, 2, "pulling", "image", Now)!.Next;
        Assert.False(TaskLifecycle.IsUnstartedClaimBy(started, "host-b"));
        Assert.False(TaskLifecycle.IsUnstartedClaimBy(In(GradingStatus.Queued), "host-b"));
        Assert.False(TaskLifecycle.IsUnstartedClaimBy(new TaskState(), "host-b"));
        var cancelled = TaskLifecycle.Cancel(claimed, "alice", Now)!.Next;
        Assert.False(TaskLifecycle.IsUnstartedClaimBy(cancelled, "host-b"));
    }

    [Fact]
    public void ClaimStartsTheNextAttemptOnThatHost()
    {
        var change = TaskLifecycle.Claim(In(GradingStatus.Queued, attempt: 1), "host-b", 6m, Now)!;

        Assert.Equal((GradingStatus.Preparing, 2, "host-b", 6m, Now), (change.Next.Status, change.Next.Attempt, change.Next.Host, change.Next.MaxScore, change.Next.StartedAt));
        Assert.Equal(new PhaseEvent(2, "claimed", "host-b", Now), change.Next.Phases[^1]);
        Assert.Equal(TaskEffects.None, change.Effects);
    }

    [Fact]
    public void ClaimOfATaskWhoseAssignmentIsGoneFailsIt()
    {
        var change = TaskLifecycle.Claim(In(GradingStatus.Queued), "host-b", maxScore: null, Now)!;

        Assert.Equal(GradingStatus.Failed, change.Next.Status);
        Assert.Contains("dbs-1", change.Next.Message, StringComparison.Ordinal);
        Assert.Equal(TaskEffects.StopWatchdog, change.Effects);
    }

    [Theory]
    [MemberData(nameof(AllStatuses))]
    public void OnlyAQueuedTaskCanBeClaimed(GradingStatus status)
    {
        var change = TaskLifecycle.Claim(In(status), "host-b", 6m, Now);

        Assert.Equal(status == GradingStatus.Queued, change is not null);
        Assert.Null(TaskLifecycle.Claim(new TaskState(), "host-b", 6m, Now));
    }

    [Theory]
    [MemberData(nameof(Running))]
    public void ReportsOfTheCurrentAttemptAreTaken(GradingStatus status)
    {
        var s = In(status, attempt: 2);

        Assert.NotNull(TaskLifecycle.Phase(s, 2, "pulling", "image", Now));
        Assert.NotNull(TaskLifecycle.Step(s, Step(2, "a", 0, StepOutcome.Passed)));
        Assert.NotNull(TaskLifecycle.FinishAttempt(s, 2, Report(AttemptEnd.Tested), MaxAttempts, Now));
        Assert.NotNull(TaskLifecycle.AttemptLost(s, 2, InfrastructureFault.HostLost, "gone", MaxAttempts, Now));
    }

    [Theory]
    [MemberData(nameof(Running))]
    public void ReportsOfAnEarlierOrLaterAttemptAreIgnored(GradingStatus status)
    {
        var s = In(status, attempt: 2);
        foreach (var attempt in new[] { 1, 3 })
        {
            Assert.Null(TaskLifecycle.Phase(s, attempt, "pulling", null, Now));
            Assert.Null(TaskLifecycle.Step(s, Step(attempt, "a", 0, StepOutcome.Passed)));
            Assert.Null(TaskLifecycle.FinishAttempt(s, attempt, Report(AttemptEnd.Tested), MaxAttempts, Now));
            Assert.Null(TaskLifecycle.AttemptLost(s, attempt, InfrastructureFault.HostLost, "gone", MaxAttempts, Now));
        }
    }

    [Theory]
    [MemberData(nameof(NotRunning))]
    public void ReportsForATaskThatIsNotRunningAreIgnored(GradingStatus status)
    {
        var s = In(status, attempt: 1);

        Assert.Null(TaskLifecycle.Phase(s, 1, "testing", null, Now));
        Assert.Null(TaskLifecycle.Step(s, Step(1, "a", 0, StepOutcome.Passed)));
        Assert.Null(TaskLifecycle.FinishAttempt(s, 1, Report(AttemptEnd.Tested), MaxAttempts, Now));
        Assert.Null(TaskLifecycle.AttemptLost(s, 1, InfrastructureFault.HostLost, "gone", MaxAttempts, Now));
    }

    [Theory]
    [InlineData("pulling", GradingStatus.Preparing)]
    [InlineData("database", GradingStatus.Preparing)]
    [InlineData("starting", GradingStatus.Starting)]
    [InlineData("probing", GradingStatus.Starting)]
    [InlineData("testing", GradingStatus.Testing)]
    public void PhasesMoveTheStatusForward(string phase, GradingStatus expected)
    {
        var change = TaskLifecycle.Phase(In(GradingStatus.Preparing), 1, phase, "detail", Now)!;

        Assert.Equal(expected, change.Next.Status);
        Assert.Equal(new PhaseEvent(1, phase, "detail", Now), change.Next.Phases[^1]);
    }

    [Fact]
    public void ARepeatedStepReplacesTheEarlierDelivery()
    {
        var s = TaskLifecycle.Step(In(GradingStatus.Testing), Step(1, "a", 0, StepOutcome.Failed))!.Next;
        s = TaskLifecycle.Step(s, Step(1, "a", 1, StepOutcome.Passed))!.Next;

        var again = TaskLifecycle.Step(s, Step(1, "a", 0, StepOutcome.Passed))!.Next;

        Assert.Equal(2, again.Steps.Count);
        Assert.All(again.Steps, x => Assert.Equal(StepOutcome.Passed, x.Outcome));
    }

    [Fact]
    public void OnlyPhasesAndStepsWaitForTheNextStoredChange()
    {
        var queued = TaskLifecycle.Submit(new TaskState(), Spec, Now)!;
        var claimed = TaskLifecycle.Claim(queued.Next, "host-a", 2m, Now)!;
        var phase = TaskLifecycle.Phase(claimed.Next, 1, "testing", null, Now)!;
        var step = TaskLifecycle.Step(phase.Next, Step(1, "a", 0, StepOutcome.Passed))!;
        var finish = TaskLifecycle.FinishAttempt(step.Next, 1, Report(AttemptEnd.Tested), MaxAttempts, Now)!;

        Assert.Equal([true, true, false, false, true], new[] { queued, claimed, phase, step, finish }.Select(c => c.Durable));
        Assert.True(TaskLifecycle.Cancel(step.Next, "bob", Now)!.Durable);
        Assert.True(TaskLifecycle.AttemptLost(step.Next, 1, InfrastructureFault.HostLost, "gone", MaxAttempts, Now)!.Durable);
    }

    [Fact]
    public void TheFinishReportBringsBackStepsAnActivationLostInRunOrder()
    {
        // A fresh activation read the state stored at the claim, then took only the last step's report.
        var earlier = Step(1, "old", 0, StepOutcome.Failed);
        var state = In(GradingStatus.Testing, attempt: 2);
        state.Steps = [earlier, Step(2, "c", 0, StepOutcome.Passed)];
        var all = new[] { Step(2, "a", 0, StepOutcome.Passed), Step(2, "b", 0, StepOutcome.Failed), Step(2, "c", 0, StepOutcome.Passed) };

        var next = TaskLifecycle.FinishAttempt(state, 2, Report(AttemptEnd.Tested) with { Steps = all }, MaxAttempts, Now)!.Next;

        Assert.Equal([earlier, .. all], next.Steps);
        var without = TaskLifecycle.FinishAttempt(state, 2, Report(AttemptEnd.Tested), MaxAttempts, Now)!.Next;
        Assert.Equal(state.Steps, without.Steps);
    }

    [Fact]
    public void TheFinishReportBringsBackPhasesAnActivationLostInTheirOrder()
    {
        // The stored state has the claim; the activation that took "pulling" to "probing" died with its silo,
        // and the fresh one saw only "testing".
        var state = In(GradingStatus.Testing, attempt: 2);
        var earlier = new PhaseEvent(1, "requeued", "re-run", Now.AddSeconds(-9));
        var claimed = new PhaseEvent(2, "claimed", "host-a", Now.AddSeconds(-8));
        var testing = new PhaseEvent(2, "testing", "ready", Now.AddSeconds(-2));
        state.Phases = [earlier, claimed, testing];
        var reported = new[] { "pulling", "database", "starting", "probing", "testing" }
            .Select((phase, i) => new PhaseEvent(2, phase, null, Now.AddSeconds(-7 + i))).ToList();

        var next = TaskLifecycle.FinishAttempt(state, 2, Report(AttemptEnd.Tested) with { Phases = reported }, MaxAttempts, Now)!.Next;

        Assert.Equal(["requeued", "claimed", "pulling", "database", "starting", "probing", "testing", "completed"], next.Phases.Select(p => p.Phase));
        Assert.Equal(testing, next.Phases.Single(p => p.Phase == "testing"));
        var nothingLost = TaskLifecycle.FinishAttempt(state, 2, Report(AttemptEnd.Tested) with { Phases = [reported[^1] with { At = Now }] }, MaxAttempts, Now)!.Next;
        Assert.Equal(["requeued", "claimed", "testing", "completed"], nothingLost.Phases.Select(p => p.Phase));
    }

    [Theory]
    [InlineData(AttemptEnd.Tested, GradingStatus.Completed)]
    [InlineData(AttemptEnd.NotReady, GradingStatus.Failed)]
    [InlineData(AttemptEnd.Crashed, GradingStatus.Failed)]
    [InlineData(AttemptEnd.ImageUnavailable, GradingStatus.Failed)]
    [InlineData(AttemptEnd.Cancelled, GradingStatus.Cancelled)]
    public void AnAttemptThatEndsOnTheStudentsSideIsFinal(AttemptEnd end, GradingStatus expected)
    {
        var change = TaskLifecycle.FinishAttempt(In(GradingStatus.Testing), 1, Report(end) with { ContainerLogs = "log", ExitCode = 3 }, MaxAttempts, Now)!;

        Assert.Equal((expected, end, Now, "log", 3L), (change.Next.Status, change.Next.End, change.Next.FinishedAt, change.Next.ContainerLogs, change.Next.ExitCode));
        Assert.Equal(TaskEffects.StopWatchdog, change.Effects);
        Assert.Null(TaskLifecycle.FinishAttempt(change.Next, 1, Report(end), MaxAttempts, Now));
    }

    [Fact]
    public void OurFaultRequeuesWithPlainWordsForTheStudentAndTheDetailForStaff()
    {
        var report = Report(AttemptEnd.InfrastructureError) with
        {
            Message = "The grader failed on host 'vm': NpgsqlException: 57P01 at S10.0.0.1:11111:1",
            Fault = InfrastructureFault.GraderDatabase,
        };

        var change = TaskLifecycle.FinishAttempt(In(GradingStatus.Testing, attempt: 1), 1, report, MaxAttempts, Now)!;

        Assert.Equal((GradingStatus.Queued, 1, null), (change.Next.Status, change.Next.Attempt, change.Next.Host));
        Assert.Equal(TaskEffects.Enqueue, change.Effects);
        var requeued = change.Next.Phases[^1];
        Assert.Equal(("requeued", "re-run: the grader's database restarted", report.Message), (requeued.Phase, requeued.Detail, requeued.StaffDetail));
    }

    [Fact]
    public void OurFaultOnTheLastAttemptFailsTheTaskWithoutExceptionTextInItsMessage()
    {
        var report = Report(AttemptEnd.InfrastructureError) with { Message = "InvalidOperationException: boom", Fault = InfrastructureFault.Engine };

        var change = TaskLifecycle.FinishAttempt(In(GradingStatus.Testing, attempt: MaxAttempts), MaxAttempts, report, MaxAttempts, Now)!;

        Assert.Equal((GradingStatus.Failed, AttemptEnd.InfrastructureError), (change.Next.Status, change.Next.End));
        Assert.DoesNotContain("Exception", change.Next.Message, StringComparison.Ordinal);
        Assert.Contains("container engine", change.Next.Message, StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException: boom", change.Next.StaffMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", change.Next.Phases[^1].Detail ?? "", StringComparison.Ordinal);
        Assert.Equal(TaskEffects.StopWatchdog, change.Effects);
    }

    [Fact]
    public void AHandBackOnTheLastAttemptRequeuesWithoutChargingTheTask()
    {
        var handBack = Report(AttemptEnd.InfrastructureError) with { Fault = InfrastructureFault.HostStopping, HandedBack = true };

        var change = TaskLifecycle.FinishAttempt(In(GradingStatus.Testing, attempt: MaxAttempts), MaxAttempts, handBack, MaxAttempts, Now)!;

        Assert.Equal((GradingStatus.Queued, 1, MaxAttempts - 1), (change.Next.Status, change.Next.HandBacks, TaskLifecycle.ChargedAttempts(change.Next)));
        Assert.Equal(TaskEffects.Enqueue, change.Effects);
        Assert.Equal(TaskLifecycle.PlainWords(InfrastructureFault.HostStopping), change.Next.Phases[^1].Detail);

        // The attempt after it is the last one charged: a fault of ours that is no hand-back ends the task.
        var claimed = TaskLifecycle.Claim(change.Next, "host-b", 4m, Now)!.Next;
        var fault = Report(AttemptEnd.InfrastructureError) with { Fault = InfrastructureFault.Engine };
        var last = TaskLifecycle.FinishAttempt(claimed, MaxAttempts + 1, fault, MaxAttempts, Now)!;
        Assert.Equal((GradingStatus.Failed, AttemptEnd.InfrastructureError), (last.Next.Status, last.Next.End));
    }

    [Fact]
    public void AnOrdinaryFaultOfOursIsChargedAndALostHostToo()
    {
        var fault = Report(AttemptEnd.InfrastructureError) with { Fault = InfrastructureFault.HostStopping };

        Assert.Equal(GradingStatus.Failed, TaskLifecycle.FinishAttempt(In(GradingStatus.Testing, attempt: MaxAttempts), MaxAttempts, fault, MaxAttempts, Now)!.Next.Status);
        Assert.Equal(GradingStatus.Failed, TaskLifecycle.AttemptLost(In(GradingStatus.Testing, attempt: MaxAttempts), MaxAttempts, InfrastructureFault.HostLost, "gone", MaxAttempts, Now)!.Next.Status);
    }

    [Fact]
    public void ATaskHandedBackOverAndOverFailsInTheEnd()
    {
        var handBack = Report(AttemptEnd.InfrastructureError) with { Fault = InfrastructureFault.Engine, HandedBack = true };
        var s = TaskLifecycle.Submit(new TaskState(), Spec, Now)!.Next;
        while (s.Status == GradingStatus.Queued)
        {
            s = TaskLifecycle.Claim(s, "host-a", 4m, Now)!.Next;
            s = TaskLifecycle.FinishAttempt(s, s.Attempt, handBack, MaxAttempts, Now)!.Next;
        }

        Assert.Equal((GradingStatus.Failed, AttemptEnd.InfrastructureError), (s.Status, s.End));
        Assert.Equal(MaxAttempts * TaskLifecycle.HandBacksPerAttempt + 1, s.Attempt);
        Assert.Equal(0, TaskLifecycle.ChargedAttempts(s));
    }

    [Fact]
    public void ALostAttemptWithoutAFaultNameIsAnInternalProblem()
    {
        var change = TaskLifecycle.FinishAttempt(In(GradingStatus.Preparing), 1, Report(AttemptEnd.InfrastructureError), MaxAttempts, Now)!;

        Assert.Equal(TaskLifecycle.PlainWords(InfrastructureFault.Internal), change.Next.Phases[^1].Detail);
    }

    [Theory]
    [MemberData(nameof(AllStatuses))]
    public void CancelEndsAnyUnfinishedTaskAndStopsOnlyARunningAttempt(GradingStatus status)
    {
        var change = TaskLifecycle.Cancel(In(status), "bob", Now);

        if (status.IsTerminal())
        {
            Assert.Null(change);
            return;
        }

        Assert.Equal((GradingStatus.Cancelled, AttemptEnd.Cancelled, "Cancelled by bob."), (change!.Next.Status, change.Next.End, change.Next.Message));
        var stop = status == GradingStatus.Queued ? TaskEffects.None : TaskEffects.StopRunner;
        Assert.Equal(TaskEffects.StopWatchdog | TaskEffects.LeaveQueue | stop, change.Effects);
    }

    [Fact]
    public void CancelOfATaskThatDoesNotExistChangesNothing() => Assert.Null(TaskLifecycle.Cancel(new TaskState(), "bob", Now));

    [Fact]
    public void PlainWordsNameNoExceptionHostOrAddress()
    {
        foreach (var fault in Enum.GetValues<InfrastructureFault>())
        {
            var words = TaskLifecycle.PlainWords(fault);
            Assert.StartsWith("re-run: ", words, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", words, StringComparison.Ordinal);
            Assert.DoesNotMatch(@"\d+\.\d+\.\d+\.\d+", words);
        }
    }

    /// <summary>Random sequences of every call, as duplicated, late and out-of-order deliveries produce them.
    /// Whatever happens: the given state is never changed, attempts only grow, charged ones and hand-backs stay within their limits,
    /// a final task stays final, and a task reaches its end only through a rule that stops the watchdog.</summary>
    [Fact]
    public void RandomCallSequencesKeepTheInvariants()
    {
        var random = new Random(12345);
        for (var run = 0; run < 2000; run++)
        {
            var s = TaskLifecycle.Submit(new TaskState(), Spec, Now)!.Next;
            for (var i = 0; i < 30; i++)
            {
                var before = Serialize(s);
                var change = RandomCall(random, s);
                Assert.Equal(before, Serialize(s));
                if (change is null)
                {
                    continue;
                }

                var next = change.Next;
                Assert.False(s.Status.IsTerminal(), "a final task changed");
                Assert.True(next.Attempt >= s.Attempt, "the attempt went back");
                Assert.InRange(TaskLifecycle.ChargedAttempts(next), 0, MaxAttempts);
                Assert.InRange(next.HandBacks, 0, (MaxAttempts * TaskLifecycle.HandBacksPerAttempt) + 1);
                Assert.Equal(next.Status.IsTerminal(), change.Effects.HasFlag(TaskEffects.StopWatchdog));
                Assert.Equal(next.Status == GradingStatus.Queued && s.Status != GradingStatus.Queued, change.Effects.HasFlag(TaskEffects.Enqueue));
                Assert.True(next.Status == GradingStatus.Queued ? next.Host is null : true);
                s = next;
            }
        }
    }

    private static TaskChange? RandomCall(Random random, TaskState s)
    {
        var attempt = s.Attempt + random.Next(-1, 2);
        return random.Next(7) switch
        {
            0 => TaskLifecycle.Claim(s, "host-" + random.Next(2), random.Next(5) == 0 ? null : 4m, Now),
            1 => TaskLifecycle.Phase(s, attempt, random.Next(2) == 0 ? "starting" : "testing", null, Now),
            2 => TaskLifecycle.Step(s, Step(attempt, "a", random.Next(3), StepOutcome.Passed)),
            3 => TaskLifecycle.FinishAttempt(s, attempt, Report(Enum.GetValues<AttemptEnd>()[random.Next(6)]) with { HandedBack = random.Next(2) == 0 }, MaxAttempts, Now),
            4 => TaskLifecycle.AttemptLost(s, attempt, InfrastructureFault.HostLost, "lost", MaxAttempts, Now),
            5 => random.Next(10) == 0 ? TaskLifecycle.Cancel(s, "bob", Now) : null,
            _ => TaskLifecycle.Submit(s, Spec, Now),
        };
    }

    private static string Serialize(TaskState s) => JsonSerializer.Serialize(s);

    private static TaskState In(GradingStatus status, int attempt = 1) => new()
    {
        Spec = Spec,
        Status = status,
        Attempt = status == GradingStatus.Queued ? attempt : Math.Max(attempt, 1),
        Host = status is GradingStatus.Preparing or GradingStatus.Starting or GradingStatus.Testing ? "host-a" : null,
        CreatedAt = Now.AddMinutes(-1),
    };

    private static AttemptReport Report(AttemptEnd end) => new(end, null, null, null, false, null);

    private static StepResult Step(int attempt, string scenario, int index, StepOutcome outcome) =>
        new(attempt, scenario, index, "title", false, outcome, 1, 1, "GET /", 200, null, [], null, 1, Now);
}
