using Grader.Tasks;
using Microsoft.Extensions.Logging;

namespace Grader.Evaluations;

[GenerateSerializer, Alias("grader.EvaluationState")]
public sealed class EvaluationState
{
    [Id(0)] public string? AssignmentId { get; set; }
    [Id(1)] public string CreatedBy { get; set; } = "";
    [Id(2)] public DateTimeOffset CreatedAt { get; set; }
    [Id(3)] public List<EvaluationEntry> Entries { get; set; } = [];
    [Id(4)] public List<string> Rejected { get; set; } = [];
}

/// <summary>Turns a checked class list into staff tasks. The task ids are chosen and stored before any
/// task is submitted, so a crash part-way is finished by calling Start again, never duplicated.</summary>
public sealed partial class EvaluationGrain(
    [PersistentState(GrainStorage.EvaluationState, GrainStorage.Provider)] IPersistentState<EvaluationState> state,
    EvaluationReadModel readModel,
    ILogger<EvaluationGrain> logger) : Grain, IEvaluationGrain
{
    public async Task<EvaluationView> StartAsync(string assignmentId, string createdBy, IReadOnlyList<EvaluationRow> rows, IReadOnlyList<string> rejected)
    {
        if (state.State.AssignmentId is null)
        {
            state.State.AssignmentId = assignmentId;
            state.State.CreatedBy = createdBy;
            state.State.CreatedAt = DateTimeOffset.UtcNow;
            state.State.Entries = rows.Select(r => new EvaluationEntry(r, Guid.NewGuid())).ToList();
            state.State.Rejected = rejected.ToList();
            await state.WriteStateAsync();
            LogCreated(logger, this.GetPrimaryKey(), assignmentId, rows.Count, createdBy);
        }

        // Submitting is idempotent per task, so this also completes an earlier, interrupted start.
        foreach (var entry in state.State.Entries)
        {
            var request = new SubmissionRequest(entry.Row.UserId, state.State.AssignmentId, entry.Row.Image, state.State.CreatedBy,
                SubmitterRole.Staff, "evaluation", entry.TaskId);
            await GrainFactory.GetGrain<ISubmissionGrain>(SubmissionKeys.For(request.AssignmentId, request.UserId)).SubmitAsync(request);
        }

        // After the tasks exist, so a listed evaluation's tasks can be found; a repeated start writes it again.
        await readModel.WriteAsync(View());

        return View();
    }

    public async Task<int> CancelAsync(string requestedBy)
    {
        var views = await Task.WhenAll(state.State.Entries.Select(e => GrainFactory.GetGrain<ITaskGrain>(e.TaskId).CancelAsync(requestedBy)));
        var cancelled = views.Count(v => v?.Status == GradingStatus.Cancelled);
        LogCancelled(logger, this.GetPrimaryKey(), cancelled, requestedBy);
        return cancelled;
    }

    public Task<EvaluationView?> GetAsync() => Task.FromResult(state.State.AssignmentId is null ? null : View());

    private EvaluationView View() => new(this.GetPrimaryKey(), state.State.AssignmentId!, state.State.CreatedBy, state.State.CreatedAt, state.State.Entries.ToList(), state.State.Rejected.ToList());

    [LoggerMessage(Level = LogLevel.Information, Message = "Evaluation {EvaluationId} of {AssignmentId}: {Rows} rows, by {CreatedBy}")]
    private static partial void LogCreated(ILogger logger, Guid evaluationId, string assignmentId, int rows, string createdBy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Evaluation {EvaluationId}: {Cancelled} unfinished tasks cancelled by {RequestedBy}")]
    private static partial void LogCancelled(ILogger logger, Guid evaluationId, int cancelled, string requestedBy);
}
