using System.Text.Json;
using Grader.Assignments;
using Grader.IntegrationTests.Auth;
using Grader.Tasks;
using Grader.Web.Auth.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace Grader.IntegrationTests.Grading;

/// <summary>The gradebook over the real read model: tasks are seeded through the product's read-model
/// writer (as the task grains write them), and the product's selection, SQL and exports pick from them.</summary>
[Collection(GradingCollection.Name)]
public sealed class GradebookTests(GraderFixture grader)
{
    private static readonly DateTimeOffset Deadline = new(2026, 1, 10, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task GridAndCsvPickExactlyTheRuleChosenTaskPerStudentAndScenarioPointsAddUpToTheTotal()
    {
        await grader.PutAssignmentAsync(Assignment("gradebook-latest", GradeRule.Latest));
        await grader.PutAssignmentAsync(Assignment("gradebook-best", GradeRule.Best));
        var staff = await AccountAsync("gb-staff", UserRole.Staff, null);
        await AccountAsync("gb-s10", UserRole.Student, ("Tenth", "Student", "tenth@uni.example"));
        var latest = await SeedAsync("gradebook-latest", staff);
        var best = await SeedAsync("gradebook-best", staff);

        foreach (var (assignment, expected) in new[] { ("gradebook-latest", latest.Latest), ("gradebook-best", best.Best) })
        {
            using var grid = JsonDocument.Parse(await grader.Http.GetStringAsync($"/api/assignments/{assignment}/gradebook"));
            var rows = grid.RootElement.GetProperty("rows").EnumerateArray().ToList();
            Assert.Equal(expected, rows.ToDictionary(r => r.GetProperty("userId").GetString()!, r => r.GetProperty("taskId").GetGuid()));
            Assert.Equal(["s1", "s2", "hidden"], grid.RootElement.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("scenarioId").GetString()));

            var csv = (await grader.Http.GetStringAsync($"/api/assignments/{assignment}/gradebook.csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("user,first_name,last_name,email,task,source,status,submitted_at,finished_at,s1,s2,hidden,score,max_score", csv[0]);
            var lines = csv.Skip(1).Select(l => l.Split(',')).ToList();
            Assert.Equal(expected, lines.ToDictionary(f => f[0], f => Guid.Parse(f[4])));
            Assert.All(lines, f => Assert.Equal(decimal.Parse(f[12]), f[9..12].Sum(c => c.Length == 0 ? 0 : decimal.Parse(c))));
            Assert.Equal(["Tenth", "Student", "tenth@uni.example"], lines.Single(f => f[0] == "gb-s10")[1..4]);
            // The staff run for s05 ran the private scenario; the students' own runs did not, so that cell is empty.
            Assert.Equal(["2", "3", "5"], lines.Single(f => f[0] == "gb-s05")[9..12]);
            Assert.All(lines.Where(f => f[0] != "gb-s05"), f => Assert.Equal("", f[11]));

            var grades = (await grader.Http.GetStringAsync($"/api/assignments/{assignment}/grades.csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(expected, grades.Skip(1).Select(l => l.Split(',')).ToDictionary(f => f[0], f => Guid.Parse(f[1])));
        }
    }

    [Fact]
    public async Task StaffFilterTheGridAndEachRowOpensTheStudentsTask()
    {
        await grader.PutAssignmentAsync(Assignment("gradebook-filter", GradeRule.Latest));
        await AccountAsync("gbf-ann", UserRole.Student, ("Ann", "Lee", "ann@uni.example"));
        var ann = await SeedTaskAsync("gradebook-filter", "gbf-ann", -2, 2, 3);
        var ben = await SeedTaskAsync("gradebook-filter", "gbf-ben", -2, 0, 0, status: GradingStatus.Failed);

        using var byName = JsonDocument.Parse(await grader.Http.GetStringAsync("/api/assignments/gradebook-filter/gradebook?search=lee"));
        using var failed = JsonDocument.Parse(await grader.Http.GetStringAsync("/api/assignments/gradebook-filter/gradebook?status=Failed"));
        var filteredCsv = await grader.Http.GetStringAsync("/api/assignments/gradebook-filter/gradebook.csv?search=ann%40uni");
        var page = await grader.Http.GetStringAsync("/staff/assignments/gradebook-filter/gradebook?q=gbf");
        var missing = await grader.Http.GetAsync("/api/assignments/gradebook-nothing-here/gradebook");

        Assert.Equal([ann], byName.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("taskId").GetGuid()));
        Assert.Equal([ben], failed.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("taskId").GetGuid()));
        Assert.Contains(ann.ToString(), filteredCsv);
        Assert.DoesNotContain(ben.ToString(), filteredCsv);
        Assert.Contains($"href=\"/tasks/{ann}\"", page);
        Assert.Contains($"href=\"/tasks/{ben}\"", page);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task StudentsCannotReadTheGradebook()
    {
        await grader.PutAssignmentAsync(Assignment("gradebook-closed", GradeRule.Latest));
        using var student = grader.AnonymousClient();
        await TestAccounts.SignInAsync(grader.Services, student, "gb-nosy", UserRole.Student);

        var json = await student.GetAsync("/api/assignments/gradebook-closed/gradebook");
        var csv = await student.GetAsync("/api/assignments/gradebook-closed/gradebook.csv");

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, json.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, csv.StatusCode);
    }

    private sealed record Expected(Dictionary<string, Guid> Latest, Dictionary<string, Guid> Best);

    /// <summary>Ten students, each with several submissions, some late, some failed or lost on our side,
    /// one with a staff evaluation, and staff dry runs; the expected picks are written down by hand.</summary>
    private async Task<Expected> SeedAsync(string a, string staff)
    {
        Task<Guid> Seed(string user, double hours, int s1, int s2, int? hidden = null, string source = "form", GradingStatus status = GradingStatus.Completed,
            AttemptEnd end = AttemptEnd.Tested) => SeedTaskAsync(a, user, hours, s1, s2, hidden, source, status, end);

        var latest = new Dictionary<string, Guid>();
        var best = new Dictionary<string, Guid>();
        void Both(string user, Guid task) => latest[user] = best[user] = task;

        var s01a = await Seed("gb-s01", -5, 2, 3);
        latest["gb-s01"] = await Seed("gb-s01", -3, 1, 0);
        best["gb-s01"] = s01a;
        await Seed("gb-s01", 1, 2, 3);

        await Seed("gb-s02", -5, 0, 3);
        Both("gb-s02", await Seed("gb-s02", -2, 2, 3));
        await Seed("gb-s02", 2, 2, 3);

        best["gb-s03"] = await Seed("gb-s03", -6, 1, 3);
        latest["gb-s03"] = await Seed("gb-s03", -4, 2, 0);
        await Seed("gb-s03", -1, 2, 3, end: AttemptEnd.InfrastructureError);

        best["gb-s04"] = await Seed("gb-s04", -6, 2, 3);
        latest["gb-s04"] = await Seed("gb-s04", -2, 0, 0, status: GradingStatus.Failed, end: AttemptEnd.Crashed);

        await Seed("gb-s05", -5, 1, 0);
        await Seed("gb-s05", -3, 2, 3);
        Both("gb-s05", await Seed("gb-s05", 24, 2, 3, hidden: 5, source: "evaluation"));

        // Only late submissions: no grade at all.
        await Seed("gb-s06", 1, 2, 3);
        await Seed("gb-s06", 3, 2, 3);

        await Seed("gb-s07", -3, 2, 3);
        Both("gb-s07", await Seed("gb-s07", -2, 2, 3));

        Both("gb-s08", await Seed("gb-s08", -4, 1, 3));
        await Seed("gb-s08", -1, 2, 3, status: GradingStatus.Cancelled, end: AttemptEnd.Cancelled);

        await Seed("gb-s09", -8, 0, 0);
        await Seed("gb-s09", -7, 1, 0);
        Both("gb-s09", await Seed("gb-s09", -6, 2, 0));

        best["gb-s10"] = await Seed("gb-s10", -2, 2, 3);
        latest["gb-s10"] = await Seed("gb-s10", -1, 0, 3);
        // A dry run filed under a student's name is still a dry run.
        await Seed("gb-s10", -0.5, 2, 3, hidden: 5, source: "dry-run");

        // The staff member's own dry run and form submission: full marks, latest of all, and never a row.
        await Seed(staff, -1, 2, 3, hidden: 5, source: "dry-run");
        await Seed(staff, -0.5, 2, 3, hidden: 5);
        return new Expected(latest, best);
    }

    /// <summary>One finished task written by the product's read-model writer. Scenario s1 has two 1-point
    /// steps and a setup step, s2 one 3-point step, hidden (private, 5 points) runs only in staff runs.</summary>
    private async Task<Guid> SeedTaskAsync(string assignment, string user, double hoursFromDeadline, int s1, int s2, int? hidden = null,
        string source = "form", GradingStatus status = GradingStatus.Completed, AttemptEnd end = AttemptEnd.Tested)
    {
        var id = Guid.NewGuid();
        var created = Deadline.AddHours(hoursFromDeadline);
        var staffRun = hidden is not null;
        var steps = new List<StepResult>();
        if (end == AttemptEnd.Tested)
        {
            steps.Add(Step("s1", 0, 0, 0, created, StepKind.Setup));
            steps.Add(Step("s1", 0, s1 >= 1 ? 1 : 0, 1, created));
            steps.Add(Step("s1", 1, s1 >= 2 ? 1 : 0, 1, created));
            steps.Add(Step("s2", 0, s2, 3, created));
            if (hidden is { } h)
            {
                steps.Add(Step("hidden", 0, h, 5, created) with { IsPrivate = true });
            }
        }

        var view = new TaskView(id, new TaskSpec(user, assignment, "127.0.0.1:55000/students/app:seeded", staffRun, source), status, 0, "seed-host",
            created, created.AddSeconds(5), created.AddSeconds(30), null, end, steps, [], null, null, false, steps.Sum(s => s.Points), staffRun ? 10 : 5, null);
        await grader.Services.GetRequiredService<TaskReadModel>().WriteAsync(view, 1);
        return id;
    }

    private static StepResult Step(string scenario, int index, decimal points, decimal max, DateTimeOffset at, StepKind kind = StepKind.Step) =>
        new(0, scenario, index, $"{scenario} {kind} {index}", false, points == max ? StepOutcome.Passed : StepOutcome.Failed, points, max, "GET /",
            200, null, [], null, 1, at, kind);

    private async Task<string> AccountAsync(string username, UserRole role, (string First, string Last, string Email)? profile)
    {
        var users = grader.Services.GetRequiredService<UserStore>();
        if (await users.FindAsync(username, CancellationToken.None) is null)
        {
            var hash = grader.Services.GetRequiredService<LocalPasswords>().Hash(Guid.NewGuid().ToString("N"));
            await users.CreateLocalAsync(username, hash, role, profile?.Email, profile?.First, profile?.Last, CancellationToken.None);
        }

        return username;
    }

    private static AssignmentDefinition Assignment(string id, GradeRule rule)
    {
        static ScenarioStep Points(decimal points) => new(new StepRequest("GET", "/"), new StepExpectation([200]), points);
        return new AssignmentDefinition(id, $"Gradebook {id}", DatabaseMode.None, null, [], new Dictionary<string, string>(), 8000, null, 30, 10,
            new ResourceLimits(), [
                new Scenario("s1", "First", true, 0, [Points(1), Points(1)], Setup: [Points(0)]),
                new Scenario("s2", "Second", true, 0, [Points(3)]),
                new Scenario("hidden", "Hidden", false, 0, [Points(5)]),
            ], ClosesAt: Deadline, GradeRule: rule);
    }
}
