using Grader.Assignments;
using Grader.Evaluations;
using Grader.Tasks;
using Grader.Web.Auth.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grader.Web.Evaluations;

/// <summary>An evaluation with its tasks counted by status and folded into the four parts of its progress bar.</summary>
public sealed record EvaluationSummary(EvaluationView Evaluation, IReadOnlyDictionary<string, int> StatusCounts, EvaluationProgress Progress);

/// <summary>Done means completed; failed covers failed, cancelled and superseded; running is any phase between.</summary>
public sealed record EvaluationProgress(int Done, int Running, int Queued, int Failed, int Total)
{
    public bool Finished => Done + Failed == Total;

    public static EvaluationProgress Of(IReadOnlyList<EvaluationEntry> entries, IReadOnlyDictionary<Guid, TaskView> tasks)
    {
        var statuses = entries.Select(e => tasks.TryGetValue(e.TaskId, out var t) ? t.Status : GradingStatus.Queued).ToList();
        return new EvaluationProgress(
            statuses.Count(s => s == GradingStatus.Completed),
            statuses.Count(s => !s.IsTerminal() && s != GradingStatus.Queued),
            statuses.Count(s => s == GradingStatus.Queued),
            statuses.Count(s => s.IsTerminal() && s != GradingStatus.Completed),
            statuses.Count);
    }
}

/// <summary>What starting an evaluation from a CSV gave: the new evaluation, or (when no line was valid) only errors.</summary>
public sealed record EvaluationStart(Guid? Id, IReadOnlyList<string> Errors);

/// <summary>Bulk runs for a whole class: upload the class list as CSV, watch it, download the protocol.</summary>
public static class EvaluationsApi
{
    public static IEndpointRouteBuilder MapEvaluationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/evaluations").RequireAuthorization(AuthSchemes.StaffPolicy);
        api.MapPost("/", CreateAsync).Accepts<string>("text/csv");
        api.MapGet("/{id:guid}", GetAsync);
        api.MapPost("/{id:guid}/cancel", CancelAsync);
        api.MapGet("/{id:guid}/protocol.csv", ProtocolAsync);
        return app;
    }

    /// <summary>The body is the CSV itself; the assignment comes in the query string. Valid lines run; the
    /// bad ones come back in the evaluation's Rejected list with their line numbers.</summary>
    public static async Task<Results<Accepted<EvaluationSummary>, ValidationProblem>> CreateAsync(
        string assignmentId, HttpRequest request, IGrainFactory grains)
    {
        using var reader = new StreamReader(request.Body);
        var started = await StartAsync(assignmentId, await reader.ReadToEndAsync(), request.HttpContext.User.Username(), grains);
        if (started.Id is not { } id)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [started.Errors[0].StartsWith("There is no assignment", StringComparison.Ordinal) ? "assignmentId" : "csv"] = started.Errors.ToArray() });
        }

        return TypedResults.Accepted($"/api/evaluations/{id}", await SummariseAsync((await grains.GetGrain<IEvaluationGrain>(id).GetAsync())!, grains));
    }

    /// <summary>Shared by the API and the staff page, so both apply the parser's rule the same way.</summary>
    public static async Task<EvaluationStart> StartAsync(string assignmentId, string csv, string createdBy, IGrainFactory grains)
    {
        if (await grains.GetGrain<IAssignmentGrain>(assignmentId).GetAsync() is null)
        {
            return new EvaluationStart(null, [$"There is no assignment '{assignmentId}'."]);
        }

        var parsed = EvaluationCsv.Parse(csv);
        if (parsed.Rows.Count == 0)
        {
            return new EvaluationStart(null, parsed.Errors.Count > 0 ? parsed.Errors : ["The file has no student lines."]);
        }

        var id = Guid.NewGuid();
        await grains.GetGrain<IEvaluationGrain>(id).StartAsync(assignmentId, createdBy, parsed.Rows, parsed.Errors);
        return new EvaluationStart(id, parsed.Errors);
    }

    public static async Task<Results<Ok<EvaluationSummary>, NotFound>> GetAsync(Guid id, IGrainFactory grains) =>
        await grains.GetGrain<IEvaluationGrain>(id).GetAsync() is { } evaluation
            ? TypedResults.Ok(await SummariseAsync(evaluation, grains))
            : TypedResults.NotFound();

    public static async Task<Results<Ok<EvaluationSummary>, NotFound>> CancelAsync(Guid id, HttpContext context, IGrainFactory grains)
    {
        var grain = grains.GetGrain<IEvaluationGrain>(id);
        if (await grain.GetAsync() is not { } evaluation)
        {
            return TypedResults.NotFound();
        }

        await grain.CancelAsync(context.User.Username());
        return TypedResults.Ok(await SummariseAsync(evaluation, grains));
    }

    public static async Task<Results<FileContentHttpResult, NotFound>> ProtocolAsync(Guid id, IGrainFactory grains)
    {
        if (await grains.GetGrain<IEvaluationGrain>(id).GetAsync() is not { } evaluation
            || await grains.GetGrain<IAssignmentGrain>(evaluation.AssignmentId).GetAsync() is not { } assignment)
        {
            return TypedResults.NotFound();
        }

        var tasks = await TasksOfAsync(evaluation, grains);
        var csv = EvaluationProtocol.Write(evaluation, assignment, tasks);
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(csv), "text/csv", $"evaluation-{evaluation.AssignmentId}-{id:N}.csv");
    }

    public static async Task<EvaluationSummary> SummariseAsync(EvaluationView evaluation, IGrainFactory grains)
    {
        var tasks = await TasksOfAsync(evaluation, grains);
        var counts = tasks.Values.GroupBy(t => t.Status.ToString()).ToDictionary(g => g.Key, g => g.Count());
        return new EvaluationSummary(evaluation, counts, EvaluationProgress.Of(evaluation.Entries, tasks));
    }

    private static async Task<Dictionary<Guid, TaskView>> TasksOfAsync(EvaluationView evaluation, IGrainFactory grains)
    {
        var views = await Task.WhenAll(evaluation.Entries.Select(e => grains.GetGrain<ITaskGrain>(e.TaskId).GetAsync()));
        return views.OfType<TaskView>().ToDictionary(v => v.Id);
    }
}
