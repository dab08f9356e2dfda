using Grader.Assignments;

namespace Grader.Tasks;

/// <summary>What the submission door decides, as pure rules (see <see cref="SubmissionGrain"/>).</summary>
public static class SubmissionRules
{
    /// <summary>Why this submission may not be made, or null when it may. <paramref name="pending"/> counts
    /// the student's unfinished tasks for the assignment, <paramref name="recent"/> their submissions in
    /// the rate window.</summary>
    public static SubmissionResult? Refusal(AssignmentDefinition? assignment, string assignmentId, string? imageError, SubmitterRole role,
        int pending, IReadOnlyList<DateTimeOffset> recent, SubmissionOptions limits, DateTimeOffset now)
    {
        if (assignment is null)
        {
            return Refuse(SubmissionRefusal.NoAssignment, $"There is no assignment '{assignmentId}'.");
        }

        if (imageError is not null)
        {
            return Refuse(SubmissionRefusal.BadImage, imageError);
        }

        if (role == SubmitterRole.Staff)
        {
            return null;
        }

        if (assignment.ClosedReason(now) is { } closed)
        {
            return Refuse(SubmissionRefusal.Closed, closed);
        }

        if (RetryAfter(recent, limits, now) is { } wait)
        {
            return new SubmissionResult(null, SubmissionRefusal.RateLimited,
                $"You have submitted {limits.RateLimit} times in {limits.RateWindow.TotalSeconds:0} s to '{assignmentId}'. Try again in {Math.Ceiling(wait.TotalSeconds):0} s.", wait);
        }

        // With supersede, the new submission replaces the unfinished one, so there is never a backlog.
        if (!assignment.SupersedePending && pending >= limits.MaxPending)
        {
            return Refuse(SubmissionRefusal.TooManyPending,
                $"You already have {pending} unfinished submissions for '{assignmentId}' (at most {limits.MaxPending}). Wait for one to finish, or cancel one.");
        }

        return null;
    }

    /// <summary>How long until one more submission fits in the window, or null if it fits now.</summary>
    public static TimeSpan? RetryAfter(IReadOnlyList<DateTimeOffset> recent, SubmissionOptions limits, DateTimeOffset now)
    {
        var inWindow = recent.Where(t => t > now - limits.RateWindow).Order().ToList();
        return inWindow.Count < limits.RateLimit ? null : inWindow[inWindow.Count - limits.RateLimit] + limits.RateWindow - now;
    }

    /// <summary>Whether the new submission ends the student's unfinished older ones.</summary>
    public static bool Supersedes(AssignmentDefinition assignment, SubmitterRole role) => assignment.SupersedePending && role == SubmitterRole.Student;

    private static SubmissionResult Refuse(SubmissionRefusal refusal, string message) => new(null, refusal, message);
}
