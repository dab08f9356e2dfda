namespace Grader.UnitTests.Tasks;

public class SubmissionRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly SubmissionOptions Limits = new() { MaxPending = 2, RateLimit = 3, RateWindow = TimeSpan.FromMinutes(1) };

    [Fact]
    public void AnOpenAssignmentWithRoomTakesTheSubmission() =>
        Assert.Null(SubmissionRules.Refusal(Assignment(), "a1", null, SubmitterRole.Student, 1, [Now.AddSeconds(-5)], Limits, Now));

    [Fact]
    public void AMissingAssignmentOrABadImageIsRefusedForEveryone()
    {
        foreach (var role in Enum.GetValues<SubmitterRole>())
        {
            Assert.Equal(SubmissionRefusal.NoAssignment, SubmissionRules.Refusal(null, "a1", null, role, 0, [], Limits, Now)!.Refusal);
            Assert.Equal(SubmissionRefusal.BadImage, SubmissionRules.Refusal(Assignment(), "a1", "bad tag", role, 0, [], Limits, Now)!.Refusal);
        }
    }

    [Fact]
    public void AClosedOrNotYetOpenAssignmentRefusesAStudentButNotStaff()
    {
        foreach (var assignment in new[] { Assignment() with { ClosesAt = Now.AddSeconds(-1) }, Assignment() with { OpensAt = Now.AddHours(1) } })
        {
            var refused = SubmissionRules.Refusal(assignment, "a1", null, SubmitterRole.Student, 0, [], Limits, Now)!;
            Assert.Equal(SubmissionRefusal.Closed, refused.Refusal);
            Assert.Contains("a1", refused.Message, StringComparison.Ordinal);
            Assert.Null(SubmissionRules.Refusal(assignment, "a1", null, SubmitterRole.Staff, 0, [], Limits, Now));
        }
    }

    [Fact]
    public void ThePendingLimitRefusesWithAClearMessageUnlessTheAssignmentSupersedes()
    {
        var refused = SubmissionRules.Refusal(Assignment(), "a1", null, SubmitterRole.Student, 2, [], Limits, Now)!;

        Assert.Equal(SubmissionRefusal.TooManyPending, refused.Refusal);
        Assert.Contains("2 unfinished", refused.Message, StringComparison.Ordinal);
        Assert.Null(SubmissionRules.Refusal(Assignment() with { SupersedePending = true }, "a1", null, SubmitterRole.Student, 2, [], Limits, Now));
        Assert.Null(SubmissionRules.Refusal(Assignment(), "a1", null, SubmitterRole.Staff, 50, [], Limits, Now));
    }

    [Fact]
    public void TheRateLimitSaysWhenTheOldestSubmissionLeavesTheWindow()
    {
        DateTimeOffset[] recent = [Now.AddSeconds(-50), Now.AddSeconds(-10), Now.AddSeconds(-5)];

        var refused = SubmissionRules.Refusal(Assignment(), "a1", null, SubmitterRole.Student, 0, recent, Limits, Now)!;

        Assert.Equal(SubmissionRefusal.RateLimited, refused.Refusal);
        Assert.Equal(TimeSpan.FromSeconds(10), refused.RetryAfter);
        Assert.Null(SubmissionRules.RetryAfter(recent, Limits, Now.AddSeconds(11)));
        Assert.Null(SubmissionRules.RetryAfter([Now.AddMinutes(-5), Now.AddMinutes(-4), Now.AddMinutes(-3)], Limits, Now));
    }

    [Fact]
    public void OnlyAStudentsSubmissionSupersedesAndOnlyWhereTheAssignmentSaysSo()
    {
        Assert.True(SubmissionRules.Supersedes(Assignment() with { SupersedePending = true }, SubmitterRole.Student));
        Assert.False(SubmissionRules.Supersedes(Assignment() with { SupersedePending = true }, SubmitterRole.Staff));
        Assert.False(SubmissionRules.Supersedes(Assignment(), SubmitterRole.Student));
    }

    [Theory]
    [InlineData(GradingStatus.Queued, false)]
    [InlineData(GradingStatus.Testing, true)]
    public void SupersedeEndsAnUnfinishedTaskAndStopsItsRun(GradingStatus status, bool running)
    {
        var s = new TaskState { Spec = new TaskSpec("alice", "a1", "img", false), Status = status, Attempt = 1, Host = running ? "h" : null };
        var newer = Guid.NewGuid();

        var change = TaskLifecycle.Supersede(s, newer, Now)!;

        Assert.Equal(GradingStatus.Superseded, change.Next.Status);
        Assert.True(change.Next.Status.IsTerminal());
        Assert.Contains(newer.ToString(), change.Next.Message, StringComparison.Ordinal);
        Assert.Equal(running, change.Effects.HasFlag(TaskEffects.StopRunner));
        Assert.True(change.Effects.HasFlag(TaskEffects.LeaveQueue | TaskEffects.StopWatchdog));
        Assert.Null(TaskLifecycle.Supersede(change.Next, Guid.NewGuid(), Now));
    }

    private static AssignmentDefinition Assignment() => new("a1", "A1", DatabaseMode.None, null, [], new Dictionary<string, string>(), 8000, null, 10, 10,
        new ResourceLimits(), []);
}
