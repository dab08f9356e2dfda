using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Grader.Assignments;
using Grader.Tasks;
using Microsoft.Extensions.Logging;

namespace Grader.Rejudges;

/// <summary>Owns one rejudge's life: the re-runs' ids are chosen and stored before any is submitted (so a
/// start that crashed part-way is finished by calling it again, never duplicated), the preview compares
/// old and new with <see cref="RejudgeComparison"/>, and Apply or Discard is recorded once. Whether an
/// applied re-run counts is <see cref="GradeChoice"/>'s to say; this grain only records the decision.</summary>
public sealed partial class RejudgeGrain(
    [PersistentState(GrainStorage.RejudgeState, GrainStorage.Provider)] IPersistentState<RejudgeState> state,
    RejudgeReadModel readModel,
    ILogger<RejudgeGrain> logger) : Grain, IRejudgeGrain
{
    private RejudgeState S => state.State;

    public async Task<RejudgeView> StartAsync(RejudgeRequest request)
    {
        if (S.AssignmentId is null)
        {
            var assignment = await GrainFactory.GetGrain<IAssignmentGrain>(request.AssignmentId).GetAsync()
                ?? throw new ArgumentException($"There is no assignment '{request.AssignmentId}'.", nameof(request));
            S.AssignmentId = request.AssignmentId;
            S.CreatedBy = request.RequestedBy;
            S.CreatedAt = DateTimeOffset.UtcNow;
            S.Scope = request.Scope;
            S.EvaluationId = request.EvaluationId;
            S.SuiteVersion = SuiteVersion(assignment);
            S.Entries = request.Targets.DistinctBy(t => t.UserId, StringComparer.Ordinal).Select(t => new RejudgeEntry(t.UserId, t.TaskId, Guid.NewGuid())).ToList();
            await state.WriteStateAsync();
            await readModel.WriteAsync(View(), changed: null);
            LogStarted(logger, this.GetPrimaryKey(), S.AssignmentId, S.Entries.Count, S.SuiteVersion, S.CreatedBy);
        }

        // Submitting is idempotent per task id, so this also completes an earlier, interrupted start.
        foreach (var entry in S.Decision == RejudgeDecision.Pending ? S.Entries : [])
        {
            if (await GrainFactory.GetGrain<ITaskGrain>(entry.OldTaskId).GetAsync() is not { } old)
            {
                continue;
            }

            // The same image the student was graded on and the same scenarios, at batch priority (source "rejudge").
            var request2 = new SubmissionRequest(entry.UserId, S.AssignmentId, old.Spec.Image, S.CreatedBy, SubmitterRole.Staff,
                GradeChoice.RejudgeSource, entry.NewTaskId, PublicOnly: !old.Spec.IncludePrivate);
            await GrainFactory.GetGrain<ISubmissionGrain>(SubmissionKeys.For(S.AssignmentId, entry.UserId)).SubmitAsync(request2);
        }

        return View();
    }

    public Task<RejudgeView?> GetAsync() => Task.FromResult(S.AssignmentId is null ? null : View());

    public async Task<RejudgePreview?> PreviewAsync() => S.AssignmentId is null ? null : await BuildPreviewAsync();

    public async Task<RejudgeDecisionResult> ApplyAsync(string requestedBy)
    {
        if (S.AssignmentId is null)
        {
            return new RejudgeDecisionResult(null, "There is no such rejudge.");
        }

        var preview = await BuildPreviewAsync();
        if ((await UndecidableAsync() ?? RejudgeComparison.NotReady(preview.Rows)) is { } refusal)
        {
            return new RejudgeDecisionResult(preview, refusal);
        }

        await DecideAsync(RejudgeDecision.Applied, requestedBy, preview.Changed);
        return new RejudgeDecisionResult(await BuildPreviewAsync());
    }

    public async Task<RejudgeDecisionResult> DiscardAsync(string requestedBy)
    {
        if (S.AssignmentId is null)
        {
            return new RejudgeDecisionResult(null, "There is no such rejudge.");
        }

        if (await UndecidableAsync() is { } refusal)
        {
            return new RejudgeDecisionResult(await BuildPreviewAsync(), refusal);
        }

        // Decided first, so a re-run that finishes meanwhile cannot count; then its unfinished re-runs stop.
        var preview = await BuildPreviewAsync();
        await DecideAsync(RejudgeDecision.Discarded, requestedBy, preview.AllFinished ? preview.Changed : null);
        await Task.WhenAll(S.Entries.Select(e => GrainFactory.GetGrain<ITaskGrain>(e.NewTaskId).CancelAsync(requestedBy)));
        return new RejudgeDecisionResult(await BuildPreviewAsync());
    }

    /// <summary>Why no decision can be made any more. A repeated decision also writes the read model again, so a
    /// decision whose read-model write failed after its state was stored is put right by asking again.</summary>
    private async Task<string?> UndecidableAsync()
    {
        if (S.Decision == RejudgeDecision.Pending)
        {
            return null;
        }

        await readModel.WriteAsync(View(), changed: null);
        return $"This rejudge was already {S.Decision.ToString().ToLowerInvariant()} by {S.DecidedBy}.";
    }

    private async Task DecideAsync(RejudgeDecision decision, string by, int? changed)
    {
        S.Decision = decision;
        S.DecidedBy = by;
        S.DecidedAt = DateTimeOffset.UtcNow;
        await state.WriteStateAsync();
        // The grain state is the truth; a read-model write lost here is made again by the next Apply or Discard.
        await readModel.WriteAsync(View(), changed);
        LogDecided(logger, this.GetPrimaryKey(), decision, by, changed);
    }

    private async Task<RejudgePreview> BuildPreviewAsync()
    {
        var rows = await Task.WhenAll(S.Entries.Select(async e => RejudgeComparison.Compare(e,
            await GrainFactory.GetGrain<ITaskGrain>(e.OldTaskId).GetAsync(), await GrainFactory.GetGrain<ITaskGrain>(e.NewTaskId).GetAsync())));
        return new RejudgePreview(View(), rows);
    }

    private RejudgeView View() => new(this.GetPrimaryKey(), S.AssignmentId!, S.CreatedBy, S.CreatedAt, S.Scope, S.EvaluationId, S.SuiteVersion,
        S.Entries.ToList(), S.Decision, S.DecidedBy, S.DecidedAt);

    /// <summary>The first 12 hex digits of a SHA-256 over the scenarios as JSON: two rejudges ran the same suite exactly when these agree.</summary>
    private static string SuiteVersion(AssignmentDefinition assignment) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(assignment.Scenarios))))[..12];

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejudge {RejudgeId} of {AssignmentId}: {Tasks} re-runs against suite {SuiteVersion}, by {CreatedBy}")]
    private static partial void LogStarted(ILogger logger, Guid rejudgeId, string assignmentId, int tasks, string suiteVersion, string createdBy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejudge {RejudgeId} {Decision} by {DecidedBy} ({Changed} changed)")]
    private static partial void LogDecided(ILogger logger, Guid rejudgeId, RejudgeDecision decision, string decidedBy, int? changed);
}
