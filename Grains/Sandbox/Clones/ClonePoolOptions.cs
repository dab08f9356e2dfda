using System.ComponentModel.DataAnnotations;

namespace Grader.Sandbox.Clones;

/// <summary>This host's pool of pre-cloned isolated databases. Section: <c>ClonePool</c>.</summary>
public sealed class ClonePoolOptions : IValidatableObject
{
    public const string Section = "ClonePool";

    /// <summary>Most clones kept ready for one assignment; 0 turns the pool off (every claim clones).</summary>
    [Range(0, 64)]
    public int MaxPerAssignment { get; set; } = 2;

    /// <summary>Most clones kept ready on this host over all assignments.</summary>
    [Range(0, 256)]
    public int MaxTotal { get; set; } = 4;

    /// <summary>Disk the pooled clones of this host may take together, counted at their measured size.
    /// A template larger than this is never pooled.</summary>
    [Range(0, 16 * 1024 * 1024)]
    public int DiskBudgetMb { get; set; } = 4096;

    /// <summary>Templates larger than this are cloned with <c>STRATEGY FILE_COPY</c>, smaller ones with
    /// <c>WAL_LOG</c> (PostgreSQL's default). Measured on this machine by <c>bench clones</c>.</summary>
    [Range(0, 16 * 1024 * 1024)]
    public int FileCopyAboveMb { get; set; } = 64;

    /// <summary>How often the pool compares itself with the queue and the templates.</summary>
    public TimeSpan RefillInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Clones beyond what an assignment's queue asks for are kept this long after its queue
    /// emptied (the next submission takes one), then dropped.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RefillInterval < TimeSpan.FromMilliseconds(100) || RefillInterval > TimeSpan.FromMinutes(5))
        {
            yield return new ValidationResult($"must be between 00:00:00.1 and 00:05:00, but is {RefillInterval}.", [nameof(RefillInterval)]);
        }

        if (IdleTimeout < TimeSpan.Zero || IdleTimeout > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult($"must be between 00:00:00 and 1.00:00:00, but is {IdleTimeout}.", [nameof(IdleTimeout)]);
        }

        if (MaxPerAssignment > MaxTotal)
        {
            yield return new ValidationResult($"({MaxPerAssignment}) must not be larger than ClonePool:MaxTotal ({MaxTotal}).", [nameof(MaxPerAssignment)]);
        }
    }

    public PoolLimits Limits => new(MaxPerAssignment, MaxTotal, DiskBudgetMb * ClonePlan.Megabyte);
}
