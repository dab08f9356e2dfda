namespace Grader.Tasks;

/// <summary>How a runner's attempt at a task ended.</summary>
public enum AttemptEnd
{
    /// <summary>The scenarios ran; the step results say how well.</summary>
    Tested,
    /// <summary>The student's app never answered within the startup timeout.</summary>
    NotReady,
    /// <summary>The student's container exited before it became ready.</summary>
    Crashed,
    /// <summary>The image could not be pulled: missing, unauthorised, malformed.</summary>
    ImageUnavailable,
    /// <summary>Our side failed (database, engine); the task may be retried without charge. The report's
    /// <c>Fault</c> says which part, its message the technical detail (for staff only).</summary>
    InfrastructureError,
    Cancelled,
    /// <summary>The image was read before the run and refused (registry, platform, command, size,
    /// an entrypoint that cannot start): the student's to fix, never retried.</summary>
    ImageRefused,
    /// <summary>The attempt outgrew a budget it shares with others (its database's size); the message says which.</summary>
    OverBudget,
}

[GenerateSerializer, Immutable, Alias("grader.AttemptReport")]
public sealed record AttemptReport(
    [property: Id(0)] AttemptEnd End,
    [property: Id(1)] string? Message,
    [property: Id(2)] string? ContainerLogs,
    [property: Id(3)] long? ExitCode,
    [property: Id(4)] bool OomKilled,
    [property: Id(5)] string? ImageDigest,
    [property: Id(6)] InfrastructureFault? Fault = null,
    /// <summary>The host gave the attempt back on purpose (it is shutting down, draining past its timeout,
    /// or its engine stopped answering): not charged to the task's attempts.</summary>
    [property: Id(7)] bool HandedBack = false,
    /// <summary>Every step the runner reported in this attempt, in run order: step reports are not stored
    /// one by one, so the finish brings them to an activation that may have lost some.</summary>
    [property: Id(8)] IReadOnlyList<StepResult>? Steps = null,
    /// <summary>Every phase the runner reported in this attempt, in order, stamped when it reported them:
    /// phases are not stored one by one either, so an activation lost mid-attempt lacks some.</summary>
    [property: Id(9)] IReadOnlyList<PhaseEvent>? Phases = null);
