using System.Security.Claims;
using Grader.Tasks;
using Grader.Web.Auth.Http;
using Grader.Web.Hosting;

namespace Grader.Web.Tasks;

/// <summary>How every web path submits: through the submission grain, with the caller's role from their
/// signed-in identity. The rules are the grain's; this only builds the request.</summary>
public static class SubmissionDoor
{
    /// <param name="forUser">Whose task it is, when staff run it for a student (a re-run of their task).</param>
    public static Task<SubmissionResult> SubmitAsync(IGrainFactory grains, ClaimsPrincipal user, string assignmentId, string? image, string source,
        string? forUser = null)
    {
        var request = new SubmissionRequest(forUser ?? user.Username(), assignmentId, image, user.Username(),
            user.IsStaff() ? SubmitterRole.Staff : SubmitterRole.Student, source, Guid.NewGuid());
        // Safe to repeat: the request names its task, and the door answers a repeat with that task.
        return ClusterUnavailable.RetryAsync(() => grains.GetGrain<ISubmissionGrain>(SubmissionKeys.For(assignmentId, request.UserId)).SubmitAsync(request));
    }
}
