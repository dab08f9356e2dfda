using Grader.Assignments;
using Grader.Rejudges;

namespace Grader.UnitTests.Rejudges;

/// <summary>What a rejudge's re-runs count for (nothing until applied, then in place of the old task), what
/// counts as changed, and which students a scope picks.</summary>
public class RejudgeDecisionTests
{
    private static readonly DateTimeOffset Deadline = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(GradeRule.Latest)]
    [InlineData(GradeRule.Best)]
    public void ReRunsCountNothingUntilAppliedAndThenReplaceTheOldTaskEvenWhenLower(GradeRule rule)
    {
        var own = Candidate("ann", 5, -3);
        var older = Candidate("ann", 4, -5);
        var rerun = Candidate("ann", 2, 10) with { Source = GradeChoice.RejudgeSource, IncludePrivate = false };
        var ben = Candidate("ben", 3, -2);
        var all = new[] { own, older, rerun, ben };

        var pending = GradeChoice.Pick(all, rule, Deadline);
        var applied = GradeChoice.Pick(all, rule, Deadline, [new AppliedRejudge("ann", own.TaskId, rerun.TaskId, Deadline.AddHours(9))]);

        Assert.Equal(own.TaskId, pending["ann"].TaskId);
        // After the deadline, lower than both old tasks, and yet the grade: it stands for the task it re-ran.
        Assert.Equal(rerun.TaskId, applied["ann"].TaskId);
        Assert.Equal(2, applied["ann"].Score);
        Assert.Equal(ben.TaskId, applied["ben"].TaskId);
    }

    [Fact]
    public void ASubmissionMadeAfterTheRejudgeStillCompetesAndAReRunWithNoResultLeavesTheOldGrade()
    {
        var own = Candidate("ann", 3, -6);
        var rerun = Candidate("ann", 1, -5) with { Source = GradeChoice.RejudgeSource };
        var later = Candidate("ann", 4, -1);
        var rejudge = new AppliedRejudge("ann", own.TaskId, rerun.TaskId, Deadline.AddHours(-5).AddMinutes(-2));

        Assert.Equal(later.TaskId, GradeChoice.Pick([own, rerun, later], GradeRule.Latest, Deadline, [rejudge])["ann"].TaskId);
        Assert.Equal(own.TaskId, GradeChoice.Pick([own], GradeRule.Latest, Deadline, [rejudge])["ann"].TaskId);
    }

    [Fact]
    public void ADiscardedRejudgesReRunsNeverCount()
    {
        var own = Candidate("ann", 1, -2);
        var rerun = Candidate("ann", 5, -1) with { Source = GradeChoice.RejudgeSource, IncludePrivate = true };

        Assert.Equal(own.TaskId, GradeChoice.Pick([own, rerun], GradeRule.Best, Deadline, [])["ann"].TaskId);
    }

    [Fact]
    public void OnlyAFinishedReRunWhoseStepsOrScoreDifferIsChanged()
    {
        var entry = new RejudgeEntry("ann", Guid.NewGuid(), Guid.NewGuid());
        var old = View(GradingStatus.Completed, (StepOutcome.Passed, 1), (StepOutcome.Failed, 0));
        var same = RejudgeComparison.Compare(entry, old, View(GradingStatus.Completed, (StepOutcome.Passed, 1), (StepOutcome.Failed, 0)));
        var worse = RejudgeComparison.Compare(entry, old, View(GradingStatus.Completed, (StepOutcome.Failed, 0), (StepOutcome.Failed, 0)));
        var running = RejudgeComparison.Compare(entry, old, View(GradingStatus.Testing));

        Assert.False(same.Changed);
        Assert.True(same.Finished);
        Assert.True(worse.Changed);
        Assert.Equal(["s#1: Passed → Failed"], worse.ChangedSteps);
        Assert.Equal((1m, 0m), (worse.OldScore, worse.NewScore));
        Assert.False(running.Changed);
        Assert.False(running.Finished);
        Assert.Equal("1 re-runs have not finished yet.", RejudgeComparison.NotReady([same, running]));
        Assert.Null(RejudgeComparison.NotReady([same, worse]));
    }

    [Fact]
    public void ScopesPickEveryoneTheBelowFullOrTheEvaluationsStudents()
    {
        var graded = new[] { new GradedTask("cat", Guid.NewGuid(), 5, 5), new GradedTask("ann", Guid.NewGuid(), 2, 5), new GradedTask("ben", Guid.NewGuid(), 5, 5) };

        Assert.Equal(["ann", "ben", "cat"], RejudgeSelection.Select(graded, RejudgeScope.Assignment, null).Select(t => t.UserId));
        Assert.Equal(["ann"], RejudgeSelection.Select(graded, RejudgeScope.BelowFull, null).Select(t => t.UserId));
        Assert.Equal(["ben", "cat"], RejudgeSelection.Select(graded, RejudgeScope.Evaluation, ["cat", "ben", "zed"]).Select(t => t.UserId));
        Assert.Empty(RejudgeSelection.Select(graded, RejudgeScope.Evaluation, null));
    }

    private static GradeCandidate Candidate(string user, decimal score, int hoursFromDeadline) =>
        new(Guid.NewGuid(), user, "form", IncludePrivate: false, score, Deadline.AddHours(hoursFromDeadline), UserIsStaff: false);

    private static TaskView View(GradingStatus status, params (StepOutcome Outcome, decimal Points)[] steps) => new(
        Guid.NewGuid(), new TaskSpec("ann", "a", "registry/app:1", IncludePrivate: false), status, 1, "host", Deadline, Deadline, Deadline, null, null,
        steps.Select((s, i) => new StepResult(1, "s", i, "step", false, s.Outcome, s.Points, 1, "GET /", 200, null, [], null, 1, Deadline)).ToList(),
        [], null, null, false, steps.Sum(s => s.Points), steps.Length, null);
}
