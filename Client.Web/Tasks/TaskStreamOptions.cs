using System.ComponentModel.DataAnnotations;

namespace Grader.Web.Tasks;

/// <summary>Live task streams. Section: <c>TaskStream</c>.</summary>
public sealed class TaskStreamOptions
{
    public const string Section = "TaskStream";

    /// <summary>How often an open stream renews its subscription and reads the task again. A task grain
    /// that moved to another silo forgets its subscribers; this bounds how long a stream can miss changes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Renewal { get; set; } = TimeSpan.FromMinutes(1);
}
