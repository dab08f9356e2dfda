using Grader.Assignments;
using Grader.Evaluations;
using Grader.Tasks;
using Grader.Web.Auth.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grader.Web.Evaluations;

public sealed record EvaluationSummary(EvaluationView Evaluation, IReadOnlyDictionary<string, int> StatusCounts);

/// <summary>Bulk runs for a whole class: upload the class list as CSV, watch it, download the protocol.</summary>
public static class EvaluationsApi
{
    public static IEndpointRouteBuilder MapEvaluationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/evaluations").RequireAuthorization(AuthSchemes.StaffPolicy);
        api.MapPost("/", CreateAsync).Accepts<string>("text/csv");
        api.MapGet("/{id:guid}", GetAsync);
        api.MapGet("/{id:guid}/protocol.csv", ProtocolAsync);
        return app;
    }

    /// <summary>The body is the CSV itself; the assignment comes in the query string.</summary>
    public static async Task<Results<Accepted<EvaluationSummary>, ValidationProblem>> CreateAsync(
        string assignmentId, HttpRequest request, IGrainFactory grains)
    {
        if (await grains.GetGrain<IAssignmentGrain>(assignmentId).GetAsync() is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["assignmentId"] = [$"There is no assignment '{assignmentId}'."] });
        }

        using var reader = new StreamReader(request.Body);
        var parsed = EvaluationCsv.Parse(await reader.ReadToEndAsync());
        if (parsed.Errors.Count > 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["csv"] = parsed.Errors.ToArray() });
        }

        var id = Guid.NewGuid();
        var createdBy = request.HttpContext.User.Username();
        var evaluation = await grains.GetGrain<IEvaluationGrain>(id).StartAsync(assignmentId, createdBy, parsed.Rows);
        return TypedResults.Accepted($"/api/evaluations/{id}", await SummariseAsync(evaluation, grains));
    }

    public static async Task<Results<Ok<EvaluationSummary>, NotFound>> GetAsync(Guid id, IGrainFactory grains) =>
        await grains.GetGrain<IEvaluationGrain>(id).GetAsync() is { } evaluation
            ? TypedResults.Ok(await SummariseAsync(evaluation, grains))
            : TypedResults.NotFound();

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

    private static async Task<EvaluationSummary> SummariseAsync(EvaluationView evaluation, IGrainFactory grains)
    {
        var tasks = await TasksOfAsync(evaluation, grains);
        var counts = tasks.Values.GroupBy(t => t.Status.ToString()).ToDictionary(g => g.Key, g => g.Count());
        return new EvaluationSummary(evaluation, counts);
    }

    private static async Task<Dictionary<Guid, TaskView>> TasksOfAsync(EvaluationView evaluation, IGrainFactory grains)
    {
        var views = await Task.WhenAll(evaluation.Entries.Select(e => grains.GetGrain<ITaskGrain>(e.TaskId).GetAsync()));
        return views.OfType<TaskView>().ToDictionary(v => v.Id);
    }
}
