namespace Grader.Tasks;

/// <summary>The persisted record of one task; stored as JSON, readable through the grain_state view.</summary>
[GenerateSerializer, Alias("grader.TaskState")]
public sealed class TaskState
{
    [Id(0)] public TaskSpec? Spec { get; set; }
    [Id(1)] public GradingStatus Status { get; set; }
    [Id(2)] public int Attempt { get; set; }
    [Id(3)] public string? Host { get; set; }
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    [Id(5)] public DateTimeOffset? StartedAt { get; set; }
    [Id(6)] public DateTimeOffset? FinishedAt { get; set; }
    [Id(7)] public string? Message { get; set; }
    [Id(8)] public AttemptEnd? End { get; set; }
    [Id(9)] public List<StepResult> Steps { get; set; } = [];
    [Id(10)] public List<PhaseEvent> Phases { get; set; } = [];
    [Id(11)] public string? ContainerLogs { get; set; }
    [Id(12)] public long? ExitCode { get; set; }
    [Id(13)] public bool OomKilled { get; set; }
    [Id(14)] public decimal MaxScore { get; set; }
    [Id(15)] public string? ImageDigest { get; set; }

    /// <summary>Counts persisted transitions; the read model keeps only the highest it has seen.</summary>
    [Id(16)] public long Revision { get; set; }

    /// <summary>The technical detail behind <see cref="Message"/>, for staff only.</summary>
    [Id(17)] public string? StaffMessage { get; set; }

    /// <summary>Attempts a host handed back on purpose; they do not count toward the attempt limit.</summary>
    [Id(18)] public int HandBacks { get; set; }

    /// <summary>A copy to change while the stored state stays as it was; the lists are new, their
    /// elements are immutable records.</summary>
    public TaskState Copy()
    {
        var copy = (TaskState)MemberwiseClone();
        copy.Steps = [.. Steps];
        copy.Phases = [.. Phases];
        return copy;
    }
}
