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
    private IGrainTimer? _store;
    private bool _unstored;

    public async Task<SubmissionResult> SubmitAsync(SubmissionRequest request)
    {
        var task = GrainFactory.GetGrain<ITaskGrain>(request.TaskId);
        if (await task.GetAsync() is { } existing)
        {
            // A repeated request (the caller retried): the task was made the first time. If that first
            // call failed after the task was stored, the task is counted now.
            if (request.Role == SubmitterRole.Student && !state.State.Open.Contains(request.TaskId) && !existing.Status.IsTerminal())
            {
                state.State = new SubmissionState { Open = [.. state.State.Open, request.TaskId], Recent = [.. state.State.Recent, existing.CreatedAt] };
                StoreSoon(TimeSpan.Zero);
            }

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
        var closedOverride = request.Role == SubmitterRole.Staff && assignment!.ClosedReason(now) is not null ? request.RequestedBy : null;
        var spec = new TaskSpec(request.UserId, request.AssignmentId, image!.ToString(), IncludePrivate: request.Role == SubmitterRole.Staff && !request.PublicOnly,
            request.Source, closedOverride);
        if (closedOverride is not null)
        {
            LogClosedOverride(logger, request.TaskId, request.UserId, request.AssignmentId, closedOverride);
        }

        var view = await task.SubmitAsync(spec);
        // Adopted once the task is stored, so a failed submission is not counted. Not stored before the
        // response: the task's write is the submission's one durable write on that path. This grain is
        // the only writer of its state and its memory is what the rules read, so the state is stored in
        // the turn after this one (see StoreSoon).
        state.State = next;
        StoreSoon(TimeSpan.Zero);
        return new SubmissionResult(view);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        _unstored ? state.WriteStateAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>The student's tasks here that have not finished yet (finished ones leave the list).</summary>
    private async Task<List<Guid>> UnfinishedAsync()
    {
        var views = await Task.WhenAll(state.State.Open.Select(id => GrainFactory.GetGrain<ITaskGrain>(id).GetAsync()));
        return [.. state.State.Open.Where((_, i) => views[i] is { } view && !view.Status.IsTerminal())];
    }

    /// <summary>Writes the state in a turn of its own, once for however many submissions came meanwhile,
    /// and again a second later if the write failed. What a crash before it costs: the dead silo's
    /// newest submissions to this assignment are not counted against the student's limits, and a newer
    /// one does not supersede them; the tasks themselves are stored and graded.</summary>
    private void StoreSoon(TimeSpan due)
    {
        _unstored = true;
        // The write takes no token from the timer: disposing a one-shot timer, as its first line does,
        // cancels the token the callback got, and every write would end as cancelled.
        _store ??= this.RegisterGrainTimer(async _ =>
        {
            _store?.Dispose();
            _store = null;
            try
            {
                await state.WriteStateAsync(CancellationToken.None);
                _unstored = false;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogStoreFailed(logger, e, this.GetPrimaryKeyString());
                StoreSoon(TimeSpan.FromSeconds(1));
            }
        }, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Submission limits of {Key} could not be stored; trying again")]
    private static partial void LogStoreFailed(ILogger logger, Exception e, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Submission by {UserId} to {AssignmentId} via {Source} refused: {Refusal}")]
    private static partial void LogRefused(ILogger logger, string userId, string assignmentId, string source, SubmissionRefusal refusal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} of {UserId} for closed assignment {AssignmentId} let in by {StaffMember}")]
    private static partial void LogClosedOverride(ILogger logger, Guid taskId, string userId, string assignmentId, string staffMember);
}
