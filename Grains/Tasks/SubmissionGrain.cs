using Grader.Assignments;
using Grader.Sandbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grader.Tasks;

/// <summary>The single door for one student's submissions to one assignment (key <c>assignment/user</c>).
/// Rules in <see cref="SubmissionRules"/>; this grain keeps the student's unfinished tasks and recent
/// submission times, supersedes, and creates the task. One call at a time, so limits cannot be raced.</summary>
public sealed partial class SubmissionGrain(
    [PersistentState(GrainStorage.SubmissionState, GrainStorage.Provider)] IPersistentState<SubmissionState> state,
    IOptions<SubmissionOptions> options,
    IOptions<ImageOptions> images,
    ILogger<SubmissionGrain> logger) : Grain, ISubmissionGrain
{
    private readonly SubmissionOptions _limits = options.Value;

    public async Task<SubmissionResult> SubmitAsync(SubmissionRequest request)
    {
        var task = GrainFactory.GetGrain<ITaskGrain>(request.TaskId);
        if (await task.GetAsync() is { } existing)
        {
            // A repeated request (the caller retried): the task was made the first time.
            return new SubmissionResult(existing);
        }

        var now = DateTimeOffset.UtcNow;
        var assignment = await GrainFactory.GetGrain<IAssignmentGrain>(request.AssignmentId).GetAsync();
        // A malformed reference, or a registry outside the allow-list, is refused before anything is made.
        var imageError = ImageReference.TryParse(request.Image, out var image, out var parseError) ? images.Value.RefusalFor(image) : parseError;
        var open = await UnfinishedAsync();
        var recent = state.State.Recent.Where(t => t > now - _limits.RateWindow).ToList();
        if (SubmissionRules.Refusal(assignment, request.AssignmentId, image is null || imageError is not null ? imageError ?? "An image is required." : null,
                request.Role, open.Count, recent, _limits, now) is { } refusal)
        {
            LogRefused(logger, request.UserId, request.AssignmentId, request.Source, refusal.Refusal!.Value);
            return refusal;
        }

        var supersede = SubmissionRules.Supersedes(assignment!, request.Role);
        foreach (var older in supersede ? open : [])
        {
            await GrainFactory.GetGrain<ITaskGrain>(older).SupersedeAsync(request.TaskId);
        }

        // Only the student's own submissions are theirs to limit and supersede: a staff run for them (an
        // evaluation, a re-run) is neither counted nor ended by the student's next submission.
        var student = request.Role == SubmitterRole.Student;
        var next = new SubmissionState
        {
            Open = [.. supersede ? [] : open, .. student ? [request.TaskId] : Array.Empty<Guid>()],
            Recent = student ? [.. recent, now] : recent,
        };
        var previous = state.State;
        state.State = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = previous;
            throw;
        }

        var closedOverride = request.Role == SubmitterRole.Staff && assignment!.ClosedReason(now) is not null ? request.RequestedBy : null;
        var spec = new TaskSpec(request.UserId, request.AssignmentId, image!.ToString(), IncludePrivate: request.Role == SubmitterRole.Staff && !request.PublicOnly,
            request.Source, closedOverride);
        if (closedOverride is not null)
        {
            LogClosedOverride(logger, request.TaskId, request.UserId, request.AssignmentId, closedOverride);
        }

        return new SubmissionResult(await task.SubmitAsync(spec));
    }

    /// <summary>The student's tasks here that have not finished yet (finished ones leave the list).</summary>
    private async Task<List<Guid>> UnfinishedAsync()
    {
        var open = new List<Guid>();
        foreach (var id in state.State.Open)
        {
            if (await GrainFactory.GetGrain<ITaskGrain>(id).GetAsync() is { } view && !view.Status.IsTerminal())
            {
                open.Add(id);
            }
        }

        return open;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Submission by {UserId} to {AssignmentId} via {Source} refused: {Refusal}")]
    private static partial void LogRefused(ILogger logger, string userId, string assignmentId, string source, SubmissionRefusal refusal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} of {UserId} for closed assignment {AssignmentId} let in by {StaffMember}")]
    private static partial void LogClosedOverride(ILogger logger, Guid taskId, string userId, string assignmentId, string staffMember);
}
