namespace Grader.Tasks;

/// <summary>The role of whoever asks for a run: it decides whether private scenarios run and whether
/// a closed assignment may still be submitted to, never a flag the client sets.</summary>
public enum SubmitterRole
{
    Student,
    Staff,
}

/// <param name="UserId">Whose task it is (the student's, in an evaluation).</param>
/// <param name="RequestedBy">Who asks: the same user, or the staff member who runs it for them.</param>
/// <param name="Role">The role of <paramref name="RequestedBy"/>, from their signed-in identity.</param>
/// <param name="TaskId">The new task's id; a repeated request with the same id is answered with the same task.</param>
/// <param name="PublicOnly">A staff run that runs only the public scenarios (a rejudge of a student's own submission).</param>
[GenerateSerializer, Immutable, Alias("grader.SubmissionRequest")]
public sealed record SubmissionRequest(
    [property: Id(0)] string UserId,
    [property: Id(1)] string AssignmentId,
    [property: Id(2)] string? Image,
    [property: Id(3)] string RequestedBy,
    [property: Id(4)] SubmitterRole Role,
    [property: Id(5)] string Source,
    [property: Id(6)] Guid TaskId,
    [property: Id(7)] bool PublicOnly = false);

public enum SubmissionRefusal
{
    NoAssignment,
    BadImage,
    Closed,
    TooManyPending,
    RateLimited,
}

/// <summary>The new task, or why there is none (with when to try again, for the rate limit).</summary>
[GenerateSerializer, Immutable, Alias("grader.SubmissionResult")]
public sealed record SubmissionResult(
    [property: Id(0)] TaskView? Task,
    [property: Id(1)] SubmissionRefusal? Refusal = null,
    [property: Id(2)] string? Message = null,
    [property: Id(3)] TimeSpan? RetryAfter = null);

/// <summary>The single door for submissions of one student to one assignment (key: <c>assignment/user</c>).
/// Every path (form, API, re-run, dry-run, evaluation) comes through here, so each rule lives once: the
/// assignment exists and is open, private scenarios follow the caller's role, the pending limit, the
/// rate limit, and supersede.</summary>
[Alias("grader.ISubmissionGrain")]
public interface ISubmissionGrain : IGrainWithStringKey
{
    [Alias("Submit")]
    Task<SubmissionResult> SubmitAsync(SubmissionRequest request);
}

public static class SubmissionKeys
{
    public static string For(string assignmentId, string userId) => $"{assignmentId}/{userId}";
}
