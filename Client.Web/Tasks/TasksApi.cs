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
/// <param name="IncludePrivate">Ignored for staff (their runs always include private scenarios) and refused
/// for students: the caller's role decides, never this flag.</param>
public sealed record SubmitTaskRequest(string AssignmentId, string Image, bool IncludePrivate = false);

/// <summary>A task as the API shows it, with its place in line while it waits.</summary>
public sealed record TaskResponse(TaskView Task, int? QueuePosition, DateTimeOffset? EstimatedStartAt = null);

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
        SubmitTaskRequest request, ClaimsPrincipal user, IGrainFactory grains, HttpContext context)
    {
        if (request.IncludePrivate && !user.IsStaff())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, detail: "Only staff can run private scenarios.");
        }

        var result = await SubmissionDoor.SubmitAsync(grains, user, request.AssignmentId ?? "", request.Image, "api");
        if (result.Task is { } view)
        {
            // No place in line: the task joins the queue after this response (one durable write before
            // it, see TaskGrain.SubmitAsync), so GET /api/tasks/{id} tells the place. A new task has no
            // results yet, so the strictest view (hidden results never released) shows all there is,
            // without fetching the assignment from the cluster.
            return TypedResults.Accepted($"/api/tasks/{view.Id}", new TaskResponse(user.VisiblePart(view), null));
        }

        if (result.RetryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return result.Refusal switch
        {
            SubmissionRefusal.NoAssignment => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["assignmentId"] = [result.Message!] }),
            SubmissionRefusal.BadImage => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["image"] = [result.Message!] }),
            SubmissionRefusal.Closed => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, detail: result.Message),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, detail: result.Message),
        };
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
        QueuePlace? place = null;
        try
        {
            place = view.Status == GradingStatus.Queued ? await grains.GetGrain<ITaskQueueGrain>(0).GetPlaceAsync(view.Id, view.Spec.UserId) : null;
        }
        catch (Exception e) when (ClusterUnavailable.IsTransient(e))
        {
            // The place in line is a courtesy; the task itself is what was asked for.
        }

        return new TaskResponse(await user.VisiblePartAsync(view, grains), place?.Ahead, place?.EstimatedStartAt);
    }
}
