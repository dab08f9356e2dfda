namespace Grader.UnitTests.Assignments;

public class AssignmentSettingsPatchTests
{
    private static readonly Scenario Hello = new("hello", "Hello", true, 1,
        [new ScenarioStep(new StepRequest("GET", "/v1/hello"), new StepExpectation([200]))]);

    private static readonly AssignmentDefinition Current = new("hw1", "Homework 1", DatabaseMode.Readonly, "hw1_ref", ["public"],
        new Dictionary<string, string> { ["NAME"] = "Arthur" }, 8000, "/v1/health", 60, 20, new ResourceLimits(), [Hello],
        OpensAt: DateTimeOffset.Parse("2026-01-01T00:00:00Z"), ClosesAt: DateTimeOffset.Parse("2026-02-01T00:00:00Z"), SupersedePending: true);

    [Fact]
    public void AnEmptyPatchChangesNothing()
    {
        var same = new AssignmentSettingsPatch().ApplyTo(Current);

        Assert.Equal(Current, same);
        Assert.Empty(new AssignmentSettingsPatch().Names());
    }

    [Fact]
    public void OnlyTheNamedSettingChangesAndTheScenariosAreTheSameList()
    {
        var patch = new AssignmentSettingsPatch(RequestTimeoutSeconds: 7);

        var changed = patch.ApplyTo(Current);

        Assert.Equal(Current with { RequestTimeoutSeconds = 7 }, changed);
        Assert.Same(Current.Scenarios, changed.Scenarios);
        Assert.Equal(["requestTimeoutSeconds"], patch.Names());
    }

    [Fact]
    public void ClearEmptiesAnOptionalSettingWhileNullLeavesItAlone()
    {
        var patch = new AssignmentSettingsPatch(Title: "Homework one", Clear: ["closesAt", "healthPath"]);

        var changed = patch.ApplyTo(Current);

        Assert.Equal(Current with { Title = "Homework one", ClosesAt = null, HealthPath = null }, changed);
        Assert.Equal(["closesAt", "healthPath", "title"], patch.Names());
    }

    [Fact]
    public void EveryClearableNameClearsItsSetting()
    {
        var cleared = new AssignmentSettingsPatch(Clear: AssignmentSettingsPatch.Clearable).ApplyTo(Current);

        Assert.Equal((null, null, null, null), (cleared.Database, cleared.HealthPath, cleared.OpensAt, cleared.ClosesAt));
    }
}
