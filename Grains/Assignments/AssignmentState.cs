namespace Grader.Assignments;

[GenerateSerializer, Alias("grader.AssignmentState")]
public sealed class AssignmentState
{
    [Id(0)] public AssignmentDefinition? Definition { get; set; }

    /// <summary>The suite file the scenarios came from, kept as written so staff get their comments back.</summary>
    [Id(1)] public string? SuiteText { get; set; }

    /// <summary>Who changed what and when, oldest first, stored in the same write as the change itself.</summary>
    [Id(2)] public List<AssignmentChangeRecord> Changes { get; set; } = [];
}
