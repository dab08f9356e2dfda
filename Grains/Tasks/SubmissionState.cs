namespace Grader.Tasks;

/// <summary>One student's submissions to one assignment: the unfinished ones, and when recent ones came.</summary>
[GenerateSerializer, Alias("grader.SubmissionState")]
public sealed class SubmissionState
{
    [Id(0)] public List<Guid> Open { get; set; } = [];
    [Id(1)] public List<DateTimeOffset> Recent { get; set; } = [];
}
