using System.ComponentModel.DataAnnotations;

namespace Grader.Tasks;

/// <summary>Task lifecycle rules. Section: <c>Tasks</c>.</summary>
public sealed class TaskOptions
{
    public const string Section = "Tasks";

    /// <summary>Attempts lost to our side (a dead host, an engine error) before the task fails;
    /// such attempts are never charged to the student.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How often a task that is not finished checks that its runner still has it, and that
    /// a queued task is really in the queue. Orleans reminders tick at most once a minute unless the
    /// silo lowers its minimum reminder period.</summary>
    public TimeSpan WatchdogPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a silo looks for task summaries in the read model that fell behind their task.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ReadModelRepairPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How far back that look goes, by the task's last stored change: it reads each task's state
    /// in the window, so it stays short on a busy grader.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan ReadModelRepairWindow { get; set; } = TimeSpan.FromDays(1);
}
