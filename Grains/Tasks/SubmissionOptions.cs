using System.ComponentModel.DataAnnotations;

namespace Grader.Tasks;

/// <summary>Limits on a student's submissions, per assignment. Staff runs are not limited. Section: <c>Submissions</c>.</summary>
public sealed class SubmissionOptions
{
    public const string Section = "Submissions";

    /// <summary>Unfinished tasks a student may have for one assignment at once.</summary>
    [Range(1, 100)]
    public int MaxPending { get; set; } = 3;

    /// <summary>Submissions a student may make to one assignment within <see cref="RateWindow"/>.</summary>
    [Range(1, 1000)]
    public int RateLimit { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RateWindow { get; set; } = TimeSpan.FromMinutes(1);
}
