namespace Grader.Rejudges;

[GenerateSerializer, Alias("grader.RejudgeState")]
public sealed class RejudgeState
{
    [Id(0)] public string? AssignmentId { get; set; }
    [Id(1)] public string CreatedBy { get; set; } = "";
    [Id(2)] public DateTimeOffset CreatedAt { get; set; }
    [Id(3)] public RejudgeScope Scope { get; set; }
    [Id(4)] public Guid? EvaluationId { get; set; }
    [Id(5)] public string SuiteVersion { get; set; } = "";
    [Id(6)] public List<RejudgeEntry> Entries { get; set; } = [];
    [Id(7)] public RejudgeDecision Decision { get; set; }
    [Id(8)] public string? DecidedBy { get; set; }
    [Id(9)] public DateTimeOffset? DecidedAt { get; set; }
}
