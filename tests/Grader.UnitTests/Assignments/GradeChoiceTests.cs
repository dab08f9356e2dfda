using Grader.Assignments;

namespace Grader.UnitTests.Assignments;

public class GradeChoiceTests
{
    private static readonly DateTimeOffset Deadline = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void LatestRulePicksTheLastSubmissionBeforeTheDeadline()
    {
        var early = Candidate("ann", 8, -3);
        var last = Candidate("ann", 2, -1);
        var late = Candidate("ann", 10, 1);

        var chosen = GradeChoice.Pick([early, last, late], GradeRule.Latest, Deadline);

        Assert.Equal(last.TaskId, chosen["ann"].TaskId);
    }

    [Fact]
    public void BestRulePicksTheHighestScoreBeforeTheDeadlineAndTheLaterOneOnATie()
    {
        var first = Candidate("ann", 8, -3);
        var tie = Candidate("ann", 8, -2);
        var lower = Candidate("ann", 4, -1);
        var lateBetter = Candidate("ann", 10, 1);

        var chosen = GradeChoice.Pick([first, tie, lower, lateBetter], GradeRule.Best, Deadline);

        Assert.Equal(tie.TaskId, chosen["ann"].TaskId);
    }

    [Fact]
    public void WithoutADeadlineEverySubmissionCounts()
    {
        var late = Candidate("ann", 1, 50);

        Assert.Equal(late.TaskId, GradeChoice.Pick([Candidate("ann", 9, -1), late], GradeRule.Latest, null)["ann"].TaskId);
    }

    [Fact]
    public void StaffDryRunsAndStaffMembersTasksAreNeverAGrade()
    {
        // A dry run recorded under a student's name (however it got there) is still no grade.
        var dryRun = Candidate("ann", 10, -1) with { Source = GradeChoice.DryRunSource, IncludePrivate = true };
        var own = Candidate("ann", 3, -2);
        var staffOwn = Candidate("tess", 10, -1) with { UserIsStaff = true, IncludePrivate = true };

        var chosen = GradeChoice.Pick([dryRun, own, staffOwn], GradeRule.Best, Deadline);

        Assert.Equal(own.TaskId, Assert.Single(chosen).Value.TaskId);
    }

    [Fact]
    public void AStaffRunForTheStudentWinsAndCountsAfterTheDeadline()
    {
        var evaluation = Candidate("ann", 5, 24) with { Source = "evaluation", IncludePrivate = true };
        var better = Candidate("ann", 8, -1);

        Assert.Equal(evaluation.TaskId, GradeChoice.Pick([better, evaluation], GradeRule.Best, Deadline)["ann"].TaskId);
    }

    [Fact]
    public void AStudentWithOnlyLateSubmissionsHasNoGrade()
    {
        var chosen = GradeChoice.Pick([Candidate("ann", 10, 1), Candidate("ben", 2, -1)], GradeRule.Latest, Deadline);

        Assert.Equal(["ben"], chosen.Keys);
    }

    private static GradeCandidate Candidate(string user, decimal score, int hoursFromDeadline) =>
        new(Guid.NewGuid(), user, "form", IncludePrivate: false, score, Deadline.AddHours(hoursFromDeadline).AddMinutes(-1), UserIsStaff: false);
}
