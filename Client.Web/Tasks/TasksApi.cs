using Grader.Assignments;
using Grader.Queue;
using Grader.Sandbox;
using Grader.Tasks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grader.Web.Tasks;

/// <param name="UserId">Who the task is for. Until sign-in exists the caller names the user.</param>
/// <param name="IncludePrivate">Run private scenarios too (staff runs and evaluations).</param>
public sealed record SubmitTaskRequest(string AssignmentId, string Image, string? UserId = null, bool IncludePrivate = false);

/// <summary>A task as the API shows it, with its place in line while it waits.</summary>
public sealed record TaskResponse(TaskView Task, int? QueuePosition);

public static class TasksApi
{
    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/tasks");
        api.MapPost("/", SubmitAsync);
        api.MapGet("/{id:guid}", GetAsync);
        api.MapPost("/{id:guid}/cancel", CancelAsync);
        return app;
    }

    public static async Task<Results<Accepted<TaskResponse>, ValidationProblem>> SubmitAsync(SubmitTaskRequest request, IGrainFactory grains)
    {
        if (!ImageReference.TryParse(request.Image, out var image, out var error))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["image"] = [error] });
        }

        if (string.IsNullOrWhiteSpace(request.AssignmentId) || await grains.GetGrain<IAssignmentGrain>(request.AssignmentId).GetAsync() is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["assignmentId"] = [$"There is no assignment '{request.AssignmentId}'."] });
        }

        var id = Guid.NewGuid();
        var spec = new TaskSpec(string.IsNullOrWhiteSpace(request.UserId) ? "anonymous" : request.UserId, request.AssignmentId, image.ToString(), request.IncludePrivate);
        var view = await grains.GetGrain<ITaskGrain>(id).SubmitAsync(spec);
        return TypedResults.Accepted($"/api/tasks/{id}", await ToResponseAsync(view, grains));
    }

    public static async Task<Results<Ok<TaskResponse>, NotFound>> GetAsync(Guid id, IGrainFactory grains) =>
        await grains.GetGrain<ITaskGrain>(id).GetAsync() is { } view
            ? TypedResults.Ok(await ToResponseAsync(view, grains))
            : TypedResults.NotFound();

    public static async Task<Results<Ok<TaskResponse>, NotFound>> CancelAsync(Guid id, IGrainFactory grains) =>
        await grains.GetGrain<ITaskGrain>(id).CancelAsync("api") is { } view
            ? TypedResults.Ok(await ToResponseAsync(view, grains))
            : TypedResults.NotFound();

    private static async Task<TaskResponse> ToResponseAsync(TaskView view, IGrainFactory grains)
    {
        var position = view.Status == GradingStatus.Queued ? await grains.GetGrain<ITaskQueueGrain>(0).GetPositionAsync(view.Id) : null;
        return new TaskResponse(view.Spec.IncludePrivate ? view : view.ForStudent(), position);
    }
}
