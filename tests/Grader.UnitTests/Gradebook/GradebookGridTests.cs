using Grader.Assignments;
using Grader.Web.Gradebook;

namespace Grader.UnitTests.Gradebook;

public class GradebookGridTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ColumnsFollowTheSuiteAndKeepADroppedScenarioThatAChosenTaskStillCarries()
    {
        var task = Task("ann", 6, new() { ["b"] = new(2, 2, "Passed"), ["gone"] = new(4, 4, "Passed") });

        var grid = GradebookGrids.Build(Assignment("a", "b"), [task], new GradebookFilter());

        Assert.Equal(["a", "b", "gone"], grid.Columns.Select(c => c.ScenarioId));
        var row = Assert.Single(grid.Rows);
        Assert.Equal(row.Score, row.Scenarios.Values.Sum(c => c.Points));
    }

    [Fact]
    public void TheFilterPicksRowsAfterTheRuleSoItNeverChangesAGrade()
    {
        // Ann's latest task failed; filtering for Completed must not fall back to her older, completed one.
        var older = Task("ann", 4, [], createdHoursAgo: 2);
        var latest = Task("ann", 1, [], status: "Failed", createdHoursAgo: 1);

        var all = GradebookGrids.Build(Assignment("a"), [older, latest], new GradebookFilter());
        var completed = GradebookGrids.Build(Assignment("a"), [older, latest], new GradebookFilter(Status: "Completed"));
        var failed = GradebookGrids.Build(Assignment("a"), [older, latest], new GradebookFilter(Status: "failed"));

        Assert.Equal(latest.Candidate.TaskId, Assert.Single(all.Rows).TaskId);
        Assert.Empty(completed.Rows);
        Assert.Equal(latest.Candidate.TaskId, Assert.Single(failed.Rows).TaskId);
    }

    [Fact]
    public void SearchMatchesUserNameNameOrEmail()
    {
        var tasks = new[] { Task("ann", 1, []) with { Student = new("Ann", "Lee", "ann@uni.example") }, Task("ben", 1, []) };

        Assert.Equal(["ann"], GradebookGrids.Build(Assignment("a"), tasks, new GradebookFilter("LEE")).Rows.Select(r => r.UserId));
        Assert.Equal(["ann"], GradebookGrids.Build(Assignment("a"), tasks, new GradebookFilter("uni.example")).Rows.Select(r => r.UserId));
        Assert.Equal(["ann", "ben"], GradebookGrids.Build(Assignment("a"), tasks, new GradebookFilter()).Rows.Select(r => r.UserId));
    }

    [Fact]
    public void CsvHasOneColumnPerScenarioWithEmptyCellsForScenariosThatDidNotRun()
    {
        var task = Task("=ann", 3, new() { ["a"] = new(3, 5, "Failed") }) with { Student = new("Ann", "Lee, Jr", null) };

        var lines = GradebookCsv.Write(GradebookGrids.Build(Assignment("a", "hidden"), [task], new GradebookFilter())).TrimEnd().Split(Environment.NewLine);

        Assert.Equal("user,first_name,last_name,email,task,source,status,submitted_at,finished_at,a,hidden,score,max_score", lines[0]);
        // The user name starts with '=': written so a spreadsheet does not run it as a formula.
        Assert.StartsWith("'=ann,Ann,\"Lee, Jr\",,", lines[1]);
        Assert.EndsWith(",3,,3,7", lines[1]);
    }

    private static AssignmentDefinition Assignment(params string[] scenarios) =>
        new("gb", "Gradebook", DatabaseMode.None, null, [], new Dictionary<string, string>(), 8000, null, 10, 10, new ResourceLimits(),
            scenarios.Select(id => new Scenario(id, id.ToUpperInvariant(), IsPublic: id != "hidden", 0,
                [new ScenarioStep(new StepRequest("GET", "/"), new StepExpectation([200]), Points: id == "hidden" ? 2 : 5)])).ToList());

    private static GradebookTask Task(string user, decimal score, Dictionary<string, ScenarioCell> cells, string status = "Completed", int createdHoursAgo = 1) =>
        new(new GradeCandidate(Guid.NewGuid(), user, "form", false, score, At.AddHours(-createdHoursAgo), false), status, 7, At, cells, new StudentInfo(null, null, null));
}
