namespace Grader.IntegrationTests.Hostile;

/// <summary>One hostile submission of the catalogue: its image, an optional change to the demo
/// assignment it runs against (or the case whose assignment it shares), and the verdict it must get.</summary>
public sealed record HostileCase(
    string Name,
    Func<GraderFixture, string> Image,
    Action<TaskView> Verdict,
    Func<AssignmentDefinition, AssignmentDefinition>? Assignment = null,
    string? Shares = null)
{
    public string AssignmentId => $"catalogue-{Shares ?? Name}";

    public override string ToString() => Name;
}

/// <summary>The catalogue run by <see cref="CatalogueTests"/> on <see cref="HostileFixture"/>'s budgets.
/// Adding a case is one line here; the database and judge attacks are in <see cref="HostileAssignments"/>.</summary>
public static class HostileCatalogue
{
    public static readonly IReadOnlyList<HostileCase> Cases =
    [
        new("correct", g => g.Image("correct"), FullMarks),
        new("correct-beside-attackers", g => g.Image("correct"), FullMarks),
        new("neighbour-scan-and-forward", g => g.Image("neighbour"), t => { FullMarks(t); Assert.DoesNotContain("forwarded to", t.ContainerLogs); }),
        new("writable-layer-fill", g => g.Image("disk-fill"), t => { FullMarks(t); Assert.Contains("MB to /var/tmp, then: No space left on device", t.ContainerLogs); }),
        new("layer-bomb", g => g.Hostile("layer-bomb"), Refused("unpacks to")),
        new("no-cmd", g => g.Hostile("no-cmd"), Refused("neither ENTRYPOINT nor CMD")),
        new("bad-entrypoint", g => g.Hostile("bad-entrypoint"), Refused("does not exist in the image")),
        new("exec-format", g => g.Hostile("exec-format"), Refused("exec format error")),
        new("arm64", g => g.Hostile("arm64"), Refused("--platform linux/amd64")),
        new("host-port-probe", _ => "127.0.0.1:22/x:y", Refused("are not accepted here")),
        new("memory-hog", g => g.Image("oom"), t => { Assert.Equal(AttemptEnd.Crashed, t.End); Assert.True(t.OomKilled); }, a => a with { Limits = a.Limits with { MemoryMb = 96 } }),
        new("log-flood", g => g.Image("flood"), FullMarks),
        new("slow-start", g => g.Image("slow-start"), FullMarks),
        new("sql-check-hijack", g => g.Image("sql-hijack"), HostileAssignments.HijackRefused, HostileAssignments.SqlHijack),
        new("database-fill", g => g.Image("db-fill"), HostileAssignments.OverBudget, HostileAssignments.DatabaseFill),
        new("statement-timeout-off", g => g.Image("no-timeout"), HostileAssignments.QueriesCancelled, HostileAssignments.StatementTimeoutOff),
        new("idle-in-transaction", g => g.Image("no-timeout"), HostileAssignments.IdleSessionEnded, HostileAssignments.IdleInTransaction),
        new("temp-file-limit", g => g.Image("no-timeout"), HostileAssignments.AllStepsPassed, HostileAssignments.TempFiles),
        new("pre-auth-flood", g => g.Image("pg-flood"), HostileAssignments.FloodCapped, HostileAssignments.ConnectionFlood),
        new("template-hold", g => g.Image("template-hold"), HostileAssignments.HoldRefused, HostileAssignments.TemplateHold),
        new("template-victim", g => g.Image("correct"), HostileAssignments.CloneUnhindered, Shares: "template-hold"),
        new("huge-body", g => g.Image("huge-body"), HostileAssignments.HugeBodiesJudged, HostileAssignments.HugeBodies),
    ];

    public static void FullMarks(TaskView task)
    {
        Assert.True(task.Status == GradingStatus.Completed, $"{task.End}: {task.Message}");
        Assert.True(task.MaxScore > 0 && task.Score == task.MaxScore, $"{task.Score}/{task.MaxScore}");
    }

    public static Action<TaskView> Refused(string reason) => task =>
    {
        Assert.Equal(GradingStatus.Failed, task.Status);
        Assert.Equal(AttemptEnd.ImageRefused, task.End);
        Assert.Contains(reason, task.Message);
        Assert.Equal(1, task.Attempt);
    };
}
