using System.Security.Claims;
using Grader.Assignments;
using Grader.Queue;
using Grader.Sandbox;
using Grader.Tasks;
using Grader.Web.Auth.Http;
using Grader.Web.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grader.Web.Tasks;

/// <summary>A submission; the task is always the signed-in user's.</summary>
/// <param name="IncludePrivate">Run private scenarios too: staff only (staff runs and evaluations).</param>
public sealed record SubmitTaskRequest(string AssignmentId, string Image, bool IncludePrivate = false);

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

    public static async Task<Results<Accepted<TaskResponse>, ValidationProblem, ProblemHttpResult>> SubmitAsync(
        SubmitTaskRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (request.IncludePrivate && !user.IsStaff())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, detail: "Only staff can run private scenarios.");
        }

        if (!ImageReference.TryParse(request.Image, out var image, out var error))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["image"] = [error] });
        }

        if (string.IsNullOrWhiteSpace(request.AssignmentId)
            || await ClusterUnavailable.RetryAsync(() => grains.GetGrain<IAssignmentGrain>(request.AssignmentId).GetAsync()) is not { } assignment)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["assignmentId"] = [$"There is no assignment '{request.AssignmentId}'."] });
        }

        if (!user.IsStaff() && assignment.ClosedReason(DateTimeOffset.UtcNow) is { } closed)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, detail: closed);
        }

        var id = Guid.NewGuid();
        var spec = new TaskSpec(user.Username(), request.AssignmentId, image.ToString(), request.IncludePrivate);
        // Safe to repeat: a task is created once per id.
        var view = await ClusterUnavailable.RetryAsync(() => grains.GetGrain<ITaskGrain>(id).SubmitAsync(spec));
        return TypedResults.Accepted($"/api/tasks/{id}", await ToResponseAsync(view, user, grains));
    }

    /// <summary>Students get their own tasks only (another's is "not found"), always redacted.</summary>
    public static async Task<Results<Ok<TaskResponse>, NotFound>> GetAsync(Guid id, ClaimsPrincipal user, IGrainFactory grains) =>
        await ClusterUnavailable.RetryAsync(() => grains.GetGrain<ITaskGrain>(id).GetAsync()) is { } view && user.CanSee(view)
            ? TypedResults.Ok(await ToResponseAsync(view, user, grains))
            : TypedResults.NotFound();

    public static async Task<Results<Ok<TaskResponse>, NotFound>> CancelAsync(Guid id, ClaimsPrincipal user, IGrainFactory grains)
    {
        var task = grains.GetGrain<ITaskGrain>(id);
        if (await task.GetAsync() is not { } existing || !user.CanSee(existing))
        {
            return TypedResults.NotFound();
        }

        return await task.CancelAsync(user.Username()) is { } view
            ? TypedResults.Ok(await ToResponseAsync(view, user, grains))
            : TypedResults.NotFound();
    }

    private static async Task<TaskResponse> ToResponseAsync(TaskView view, ClaimsPrincipal user, IGrainFactory grains)
    {
        int? position = null;
        try
        {
            position = view.Status == GradingStatus.Queued ? await grains.GetGrain<ITaskQueueGrain>(0).GetPositionAsync(view.Id) : null;
        }
        catch (Exception e) when (ClusterUnavailable.IsTransient(e))
        {
            // The place in line is a courtesy; the task itself is what was asked for.
        }

        return new TaskResponse(user.VisiblePart(view), position);
    }
}
