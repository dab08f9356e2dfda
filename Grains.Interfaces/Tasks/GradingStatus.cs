namespace Grader.Tasks;

/// <summary>Where a task is in its lifecycle. Completed and everything after it are terminal.</summary>
public enum GradingStatus
{
    Queued,
    Preparing,
    Starting,
    Testing,
    Completed,
    Failed,
    Cancelled,
    /// <summary>Replaced by a newer submission of the same student before it finished.</summary>
    Superseded,
}

public static class GradingStatusExtensions
{
    public static bool IsTerminal(this GradingStatus status) =>
        status is GradingStatus.Completed or GradingStatus.Failed or GradingStatus.Cancelled or GradingStatus.Superseded;
}
