using Grader.Tasks;

namespace Grader.Cli.Staff;

/// <summary>The rule behind exit code 1, in one place: a task passed when it completed with full marks;
/// an evaluation passed when every student's task did and every line of the class list was accepted.</summary>
public static class Verdicts
{
    public static int ForTask(GradingStatus status, decimal score, decimal maxScore) =>
        status == GradingStatus.Completed && score >= maxScore ? ExitCodes.Success : ExitCodes.WorkFailed;

    /// <summary>Rejected lines win over failing students: the run did not cover the whole class list, so
    /// its result is not the class's.</summary>
    public static int ForEvaluation(IEnumerable<(GradingStatus Status, decimal Score, decimal MaxScore)> students, int rejectedLines) =>
        rejectedLines > 0 ? ExitCodes.InvalidInput
        : students.All(s => ForTask(s.Status, s.Score, s.MaxScore) == ExitCodes.Success) ? ExitCodes.Success
        : ExitCodes.WorkFailed;
}
