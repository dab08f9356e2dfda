namespace Grader;

/// <summary>Names of the storage provider and of each grain class's state. ADO.NET storage keys rows by
/// state name, not grain type (orleans#8746), so every grain class has its own.</summary>
public static class GrainStorage
{
    public const string Provider = "grader";
    public const string TaskState = "task";
    public const string RunnerRegistryState = "runner-registry";
    public const string AssignmentState = "assignment";
    public const string EvaluationState = "evaluation";
    public const string SubmissionState = "submission";
    public const string RejudgeState = "rejudge";
}
