namespace Grader.Tasks;

/// <summary>Where a task is in its lifecycle. The last three are terminal.</summary>
public enum GradingStatus
{
    Queued,
    Preparing,
    Starting,
    Testing,
    Completed,
    Failed,
    Cancelled,
}

public static class GradingStatusExtensions
{
    public static bool IsTerminal(this GradingStatus status) =>
        status is GradingStatus.Completed or GradingStatus.Failed or GradingStatus.Cancelled;
}
