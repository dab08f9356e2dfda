namespace Grader.Sandbox;

public enum ImageCleanupPolicy
{
    /// <summary>Keep pulled images: a resubmission of an unchanged image starts without a download.</summary>
    Keep,
    /// <summary>Remove the image after each task, as the reference system does.</summary>
    RemoveAfterTask,
}
