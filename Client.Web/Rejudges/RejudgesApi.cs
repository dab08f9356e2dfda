using Grader.Database;
using Grader.Evaluations;
using Grader.Rejudges;
using Grader.Web.Auth.Http;
using Grader.Web.Gradebook;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grader.Web.Rejudges;

/// <summary>What staff ask to rejudge: everyone graded, an evaluation's students, or those below full marks.</summary>
public sealed record RejudgeStartBody(RejudgeScope Scope = RejudgeScope.Assignment, Guid? EvaluationId = null);

/// <summary>Rejudging: start one over an assignment's chosen tasks, preview old against new, then apply or
/// discard. The rules are the rejudge grain's and GradeChoice's; these only translate.</summary>
public static class RejudgesApi
{
    public static IEndpointRouteBuilder MapRejudgesApi(this IEndpointRouteBuilder app)
    {
        var assignments = app.MapGroup("/api/assignments/{id}/rejudges").RequireAuthorization(AuthSchemes.StaffPolicy);
        assignments.MapPost("/", StartAsync);
        assignments.MapGet("/", ListAsync);
        var rejudges = app.MapGroup("/api/rejudges").RequireAuthorization(AuthSchemes.StaffPolicy);
        rejudges.MapGet("/{rejudgeId:guid}", PreviewAsync);
        rejudges.MapPost("/{rejudgeId:guid}/apply", ApplyAsync);
        rejudges.MapPost("/{rejudgeId:guid}/discard", DiscardAsync);
        return app;
    }

    public static async Task<Results<Created<RejudgeView>, NotFound, ValidationProblem>> StartAsync(string id, RejudgeStartBody? body, HttpContext context,
        GradebookService gradebook, IGrainFactory grains)
    {
        var started = await BeginAsync(id, body ?? new RejudgeStartBody(), context.User.Username(), gradebook, grains, context.RequestAborted);
        return started switch
        {
            { View: { } view } => TypedResults.Created($"/api/rejudges/{view.Id}", view),
            { Error: null } => TypedResults.NotFound(),
            { Error: var error } => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["scope"] = [error] }),
        };
    }

    /// <summary>Shared by the API and the staff page: picks the chosen tasks in scope and starts the grain.
    /// No view and no error means there is no such assignment.</summary>
    public static async Task<(RejudgeView? View, string? Error)> BeginAsync(string assignmentId, RejudgeStartBody body, string by,
        GradebookService gradebook, IGrainFactory grains, CancellationToken ct)
    {
        if (await gradebook.BuildAsync(assignmentId, new GradebookFilter(), ct) is not { } grid)
        {
            return (null, null);
        }

        IReadOnlyCollection<string>? students = null;
        if (body.Scope == RejudgeScope.Evaluation)
        {
            if (body.EvaluationId is not { } evaluationId
                || await grains.GetGrain<IEvaluationGrain>(evaluationId).GetAsync() is not { } evaluation || evaluation.AssignmentId != assignmentId)
            {
                return (null, "Name an evaluation of this assignment.");
            }

            students = evaluation.Entries.Select(e => e.Row.UserId).ToHashSet(StringComparer.Ordinal);
        }

        var targets = RejudgeSelection.Select(grid.Rows.Select(r => new GradedTask(r.UserId, r.TaskId, r.Score, r.MaxScore)), body.Scope, students);
        if (targets.Count == 0)
        {
            return (null, "No student's grade falls in this set, so there is nothing to rejudge.");
        }

        return (await grains.GetGrain<IRejudgeGrain>(Guid.NewGuid()).StartAsync(new RejudgeRequest(assignmentId, by, body.Scope, body.EvaluationId, targets)), null);
    }

    public static async Task<Ok<IReadOnlyList<RejudgeListRow>>> ListAsync(string id, GraderDataSource database, CancellationToken ct) =>
        TypedResults.Ok(await RejudgeHistory.ListAsync(database, id, ct));

    public static async Task<Results<Ok<RejudgePreview>, NotFound>> PreviewAsync(Guid rejudgeId, IGrainFactory grains) =>
        await grains.GetGrain<IRejudgeGrain>(rejudgeId).PreviewAsync() is { } preview ? TypedResults.Ok(preview) : TypedResults.NotFound();

    public static async Task<Results<Ok<RejudgePreview>, NotFound, Conflict<ProblemDetailsBody>>> ApplyAsync(Guid rejudgeId, HttpContext context, IGrainFactory grains) =>
        Decided(await grains.GetGrain<IRejudgeGrain>(rejudgeId).ApplyAsync(context.User.Username()));

    public static async Task<Results<Ok<RejudgePreview>, NotFound, Conflict<ProblemDetailsBody>>> DiscardAsync(Guid rejudgeId, HttpContext context, IGrainFactory grains) =>
        Decided(await grains.GetGrain<IRejudgeGrain>(rejudgeId).DiscardAsync(context.User.Username()));

    private static Results<Ok<RejudgePreview>, NotFound, Conflict<ProblemDetailsBody>> Decided(RejudgeDecisionResult result) => result switch
    {
        { Preview: null } => TypedResults.NotFound(),
        { Refusal: { } refusal } => TypedResults.Conflict(new ProblemDetailsBody(refusal)),
        { Preview: { } preview } => TypedResults.Ok(preview),
    };
}

/// <summary>Why a decision was refused (already decided, or re-runs still unfinished).</summary>
public sealed record ProblemDetailsBody(string Detail);
