using Grader.Queue;
using Grader.Tasks;
using Grader.Web.Auth.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Grader.Web.Pages.Tasks;

/// <summary>What the task body partial shows: the task as this user may see it, and its place in line.</summary>
/// <param name="EstimatedWait">From the rate the queue has been draining; before anything was measured,
/// tasks ahead × the assignment's typical run time ÷ the cluster's slots.</param>
public sealed record TaskBody(TaskView View, int? QueuePosition, TimeSpan? EstimatedWait, bool ShowsPrivateDetails, ReproduceCommands? Reproduce = null);

/// <summary>How a student runs the same thing on their own machine.</summary>
public sealed record ReproduceCommands(string DockerRun, string GraderTest);

/// <summary>One task, live. A student sees only their own tasks; anyone else's id is "not found".</summary>
public sealed class DetailsModel(IGrainFactory grains, Grader.Web.Browse.ReadModelQueries queries) : PageModel
{
    public TaskView View { get; private set; } = null!;

    /// <summary>Why "Run again" was refused (closed, too many pending, rate limit), as the door said it.</summary>
    public string? RerunRefusal { get; private set; }

    public TaskBody Body { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id) => await LoadAsync(id) ? Page() : NotFound();

    /// <summary>The body alone, which the page fetches after every live update.</summary>
    public async Task<IActionResult> OnGetBodyAsync(Guid id) => await LoadAsync(id) ? Partial("_TaskBody", Body) : NotFound();

    public async Task<IActionResult> OnPostCancelAsync(Guid id)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }

        await grains.GetGrain<ITaskGrain>(id).CancelAsync(User.Username());
        return Redirect($"/tasks/{id}");
    }

    public async Task<IActionResult> OnPostRerunAsync(Guid id)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }

        var result = await Grader.Web.Tasks.SubmissionDoor.SubmitAsync(grains, User, View.Spec.AssignmentId, View.Spec.Image, "rerun", forUser: View.Spec.UserId);
        if (result.Task is not { } rerun)
        {
            RerunRefusal = result.Message;
            return Page();
        }

        return Redirect($"/tasks/{rerun.Id}");
    }

    private async Task<TimeSpan?> EstimateWaitAsync(TaskView view, int ahead)
    {
        var typical = await queries.TypicalRunTimeAsync(view.Spec.AssignmentId, HttpContext.RequestAborted);
        var slots = (await Grader.Web.Status.StatusApi.GetAsync(grains)).Runners.Sum(r => r.Slots);
        return typical is { } run && slots > 0 ? run * (ahead + 1) / slots : null;
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        if (await grains.GetGrain<ITaskGrain>(id).GetAsync() is not { } view || !User.CanSee(view))
        {
            return false;
        }

        View = await User.VisiblePartAsync(view, grains);
        var place = view.Status == GradingStatus.Queued ? await grains.GetGrain<ITaskQueueGrain>(0).GetPlaceAsync(id, view.Spec.UserId) : null;
        var wait = place switch
        {
            { EstimatedStartAt: { } start } => start - DateTimeOffset.UtcNow > TimeSpan.Zero ? start - DateTimeOffset.UtcNow : TimeSpan.Zero,
            { Ahead: var ahead } => await EstimateWaitAsync(view, ahead),
            null => null,
        };
        var assignment = await grains.GetGrain<Grader.Assignments.IAssignmentGrain>(view.Spec.AssignmentId).GetAsync();
        var reproduce = assignment is null ? null
            : new ReproduceCommands(Grader.Assignments.StudentEnvironment.DockerRun(assignment, view.Spec.Image), Grader.Assignments.StudentEnvironment.GraderTest(assignment));
        Body = new TaskBody(View, place?.Ahead, wait, User.IsStaff(), reproduce);
        return true;
    }
}
