using System.Text.Json;
using Grader.Assignments;
using Grader.Tasks;

namespace Grader.IntegrationTests.Hostile;

/// <summary>The attacks on the database and on the judge, each as the change it makes to the demo
/// assignment and the verdict it must get. The catalogue and the focused tests use the same ones, so
/// what the catalogue runs is what the focused tests prove in detail.</summary>
public static class HostileAssignments
{
    /// <summary>infra/stack.sh's per-address cap on connections to PostgreSQL (GRADER_PG_CONN_PER_SOURCE).</summary>
    public const int ConnectionsPerContainer = 24;

    private const string ViewRefused = "refused: the query reads public.items, which is a view, not a table";

    public static AssignmentDefinition SqlHijack(AssignmentDefinition a) => a with
    {
        Scenarios =
        [
            new Scenario("attack", "What the app could do to its database", true, 10,
            [
                new ScenarioStep(new StepRequest("GET", "/v1/attack"),
                    new StepExpectation([200], """{"createSchema": "42501", "alterDatabase": "42501", "plantedView": "done"}""")),
            ]),
            new Scenario("fake-store", "Stores an item (the app stores nothing)", true, 5,
            [
                new ScenarioStep(new StepRequest("POST", "/v1/fake-items", """{"name": "Lifecycle"}"""),
                    new StepExpectation([201], """{"id": "#integer", "name": "Lifecycle", "tags": ["red", "green"], "created_at": "#datetime"}"""),
                    Points: 5, Captures: [new StepCapture("id", "$.id")],
                    SqlChecks: [new SqlCheck("SELECT name FROM items WHERE id = @id", """[{"name": "Lifecycle"}]""", """{"id": "{{id}}"}""")]),
            ]),
        ],
    };

    /// <summary>The attack ran (its DDL inside its schema worked), the planted view was refused, and
    /// the fake store scored nothing. That no command ran on the host is the test's to check.</summary>
    public static void HijackRefused(TaskView task)
    {
        Assert.True(task.Status == GradingStatus.Completed, task.Message);
        var attack = Assert.Single(task.Steps, s => s.ScenarioId == "attack");
        Assert.True(attack.Outcome == StepOutcome.Passed, attack.ResponseBody);
        var fake = Assert.Single(task.Steps, s => s.ScenarioId == "fake-store");
        Assert.Equal(StepOutcome.Error, fake.Outcome);
        Assert.Contains(ViewRefused, fake.Message);
        Assert.Equal(1m, task.Score);
    }

    public static AssignmentDefinition DatabaseFill(AssignmentDefinition a) => a with { StartupTimeoutSeconds = 120 };

    public static void OverBudget(TaskView task)
    {
        Assert.Equal(GradingStatus.Failed, task.Status);
        Assert.Equal(AttemptEnd.OverBudget, task.End);
        Assert.Contains($"Your database grew past {HostileFixture.DatabaseLimitMb} MB", task.Message);
        Assert.Equal(1, task.Attempt);
    }

    /// <summary>Turns its statement timeout off for the role and the session, then sleeps for a minute
    /// and runs a query that would burn a core for hours; 57014 is query_canceled.</summary>
    public static AssignmentDefinition StatementTimeoutOff(AssignmentDefinition a) => a with
    {
        Scenarios =
        [
            new Scenario("attack", "Lifts its own timeouts", true, 3,
            [
                new ScenarioStep(new StepRequest("GET", "/v1/attack"), new StepExpectation([200], """{"alterRole": "done"}""")),
                new ScenarioStep(new StepRequest("GET", "/v1/slow"), new StepExpectation([200], """{"set": "done", "sleep": "57014"}"""), TimeoutSeconds: 30),
                new ScenarioStep(new StepRequest("GET", "/v1/heavy"), new StepExpectation([200], """{"set": "done", "heavy": "57014"}"""), TimeoutSeconds: 30),
            ]),
        ],
    };

    public static void QueriesCancelled(TaskView task)
    {
        AllStepsPassed(task);
        foreach (var path in new[] { "/v1/slow", "/v1/heavy" })
        {
            // Not before the timeout, and long before the step's own 30 s.
            var step = task.Steps.Single(s => s.Request.Contains(path, StringComparison.Ordinal));
            Assert.InRange(step.DurationMs, (HostileFixture.StatementTimeoutSeconds - 0.5) * 1000, 20_000);
        }

        Assert.Contains($"The grader cancelled 2 database queries that ran longer than the {HostileFixture.StatementTimeoutSeconds} s statement timeout", task.Message);
    }

    /// <summary>Sits idle inside a transaction, its own idle timeout off, for more than twice the sandbox's.</summary>
    public static AssignmentDefinition IdleInTransaction(AssignmentDefinition a) => a with
    {
        Scenarios =
        [
            new Scenario("idle", "Holds a transaction open", true, 3,
            [
                // 57P01 is admin_shutdown: the session was ended under it.
                new ScenarioStep(new StepRequest("GET", $"/v1/idle/{(HostileFixture.IdleInTransactionSeconds * 2) + 2}"),
                    new StepExpectation([200], """{"set": "done", "begin": "done", "after": "57P01"}"""), TimeoutSeconds: 60),
            ]),
        ],
    };

    public static void IdleSessionEnded(TaskView task)
    {
        AllStepsPassed(task);
        Assert.Contains("The grader ended 1 database session that sat idle inside a transaction", task.Message);
    }

    /// <summary>Tries to lift temp_file_limit (superuser-only, so 42501), then spills a sort far past it (53400).</summary>
    public static AssignmentDefinition TempFiles(AssignmentDefinition a) => a with
    {
        Scenarios =
        [
            new Scenario("spill", "Spills to temporary files", true, 3,
            [
                new ScenarioStep(new StepRequest("GET", "/v1/temp-files"), new StepExpectation([200], """{"lift": "42501", "spill": "53400"}"""), TimeoutSeconds: 30),
            ]),
        ],
    };

    public static AssignmentDefinition ConnectionFlood(AssignmentDefinition a) => a with
    {
        Scenarios =
        [
            new Scenario("hold", "Holds its stalled logins for a while", true, 1,
                [new ScenarioStep(new StepRequest("GET", "/v1/hold/8"), new StepExpectation([200], """{"open": "#integer"}"""), TimeoutSeconds: 30)]),
        ],
    };

    /// <summary>The flood ran and the firewall cut it at the per-container cap (the app's own pool counts too).</summary>
    public static void FloodCapped(TaskView task)
    {
        Assert.True(task.Status == GradingStatus.Completed, task.Message);
        var hold = Assert.Single(task.Steps);
        Assert.True(hold.Outcome == StepOutcome.Passed, $"{hold.Outcome}: {hold.Message} {hold.ResponseBody}");
        Assert.InRange(FloodOpen(task), 1, ConnectionsPerContainer);
    }

    public static int FloodOpen(TaskView task) => JsonDocument.Parse(task.Steps.Single().ResponseBody!).RootElement.GetProperty("open").GetInt32();

    /// <summary>The demo, plus a first scenario in which the app connects to its own template.</summary>
    public static AssignmentDefinition TemplateHold(AssignmentDefinition a) => a with
    {
        Environment = new Dictionary<string, string>(a.Environment) { ["TEMPLATE_NAME"] = a.Database! },
        Scenarios =
        [
            new Scenario("hold", "Connects to its template", true, 1,
                [new ScenarioStep(new StepRequest("GET", "/v1/template"), new StepExpectation([200], """{"template": "42501"}"""))]),
            .. a.Scenarios,
        ],
    };

    /// <summary>The app was refused its template (42501), and is otherwise the correct app.</summary>
    public static void HoldRefused(TaskView task)
    {
        var hold = task.Steps.Single(s => s.ScenarioId == "hold");
        Assert.True(hold.Outcome == StepOutcome.Passed, hold.ResponseBody);
        AllStepsPassed(task);
    }

    /// <summary>A correct app on the template-hold assignment: everything but the attack passes.</summary>
    public static void CloneUnhindered(TaskView task)
    {
        Assert.True(task.Status == GradingStatus.Completed, task.Message);
        Assert.All(task.Steps.Where(s => s.ScenarioId != "hold"), s => Assert.True(s.Outcome == StepOutcome.Passed, $"{s.ScenarioId}: {s.Message}"));
    }

    /// <summary>An object of 300,000 keys judged exactly (the cap ends the report) and leniently (the
    /// whole body is read and the greeting found), and an object nested 100,000 deep.</summary>
    public static AssignmentDefinition HugeBodies(AssignmentDefinition a) => a with
    {
        Scenarios =
        [
            new Scenario("huge-exact", "A greeting, nothing else", true, 3,
                [new ScenarioStep(new StepRequest("GET", "/v1/huge"), new StepExpectation([200], """{"greeting": "Hello, Arthur!"}"""))]),
            new Scenario("huge-lenient", "A greeting among other keys", true, 2,
                [new ScenarioStep(new StepRequest("GET", "/v1/huge"), new StepExpectation([200], """{"greeting": "Hello, Arthur!"}""", Match: MatchMode.Lenient))]),
            new Scenario("deep", "A shallow answer", true, 1,
                [new ScenarioStep(new StepRequest("GET", "/v1/deep"), new StepExpectation([200], """{"a": "#object"}"""))]),
        ],
    };

    public static void HugeBodiesJudged(TaskView task)
    {
        Assert.True(task.Status == GradingStatus.Completed, $"{task.End}: {task.Message}");
        var exact = task.Steps.Single(s => s.ScenarioId == "huge-exact");
        Assert.True(exact.Outcome == StepOutcome.Failed, $"{exact.Outcome}: {exact.Message}");
        Assert.Equal("50 differences from the expected answer.", exact.Message);
        Assert.All(exact.Mismatches, m => Assert.Equal("unexpected key", m.Reason));
        var lenient = task.Steps.Single(s => s.ScenarioId == "huge-lenient");
        Assert.True(lenient.Outcome == StepOutcome.Passed, $"{lenient.Outcome}: {lenient.Message}");
        var deep = task.Steps.Single(s => s.ScenarioId == "deep");
        Assert.True(deep.Outcome == StepOutcome.Error, $"{deep.Outcome}: {deep.Message}");
        Assert.Contains("The response is not valid JSON", deep.Message);
        Assert.Contains("depth", deep.Message);
        Assert.Equal(1m, task.Score);
    }

    public static void AllStepsPassed(TaskView task)
    {
        Assert.True(task.Status == GradingStatus.Completed, task.Message);
        Assert.NotEmpty(task.Steps);
        Assert.All(task.Steps, s => Assert.True(s.Outcome == StepOutcome.Passed, $"{s.ScenarioId}: {s.Outcome} {s.Message} {s.ResponseBody}"));
    }
}
