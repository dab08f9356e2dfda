using System.Text.Json;
using Grader.Tasks;
using Microsoft.AspNetCore.Http.Json;
using Grader.Web.Auth.Http;
using Microsoft.Extensions.Options;

namespace Grader.Web.Tasks;

/// <summary>Live progress as server-sent events: one <c>task</c> event with the whole view at once and
/// after every persisted change, until the task finishes; while it waits, a <c>queue</c> event whenever
/// its place in line moves. Works in both web modes, because changes arrive through an Orleans observer
/// rather than from this process's own silo. A student gets only their own tasks, redacted; anyone
/// else's id is "not found". The subscription, its renewal (which reads the task again and sends what a
/// grain that moved did not push) and the place in line are <see cref="TaskWatchHub"/>'s, shared by
/// every stream of a task; a stream writes what it hears.</summary>
public static class TaskEventsApi
{
    public static IEndpointRouteBuilder MapTaskEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/tasks/{id:guid}/events", StreamAsync);
        return app;
    }

    public static async Task StreamAsync(Guid id, HttpContext context, IGrainFactory grains, TaskWatchHub hub, IOptions<JsonOptions> json)
    {
        var options = json.Value.SerializerOptions;
        var ct = context.RequestAborted;
        // Watch before reading, so no change falls between the first view and the stream.
        await using var watch = await hub.WatchAsync(id);
        try
        {
            if (await grains.GetGrain<ITaskGrain>(id).GetAsync() is not { } first || !context.User.CanSee(first))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            context.Response.Headers.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            context.Response.Headers["X-Accel-Buffering"] = "no";
            watch.Seen(first);
            await WriteAsync(context, first, options, ct);
            var view = first;
            int? place = null;
            while (!view.Status.IsTerminal())
            {
                var heard = await watch.Events.ReadAsync(ct);
                if (heard.View is { } next)
                {
                    if (!heard.Reread || Progressed(view, next))
                    {
                        await WriteAsync(context, next, options, ct);
                        view = next;
                    }
                    else
                    {
                        await context.Response.WriteAsync(": still here\n\n", ct);
                    }
                }
                else if (heard.Ahead is int ahead && ahead != place && view.Status == GradingStatus.Queued)
                {
                    await context.Response.WriteAsync($"event: queue\ndata: {{\"position\":{ahead}}}\n\n", ct);
                    await context.Response.Body.FlushAsync(ct);
                    place = ahead;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The browser went away.
        }
    }

    /// <summary>The live streams' shared hub: one per web process, swept once a second.</summary>
    public static IServiceCollection AddTaskStreams(this IServiceCollection services)
    {
        services.AddSingleton<TaskWatchHub>();
        services.AddHostedService(sp => sp.GetRequiredService<TaskWatchHub>());
        return services;
    }

    private static bool Progressed(TaskView sent, TaskView current) =>
        (current.Status, current.Attempt, current.Steps.Count, current.Phases.Count, current.FinishedAt)
        != (sent.Status, sent.Attempt, sent.Steps.Count, sent.Phases.Count, sent.FinishedAt);

    private static async Task WriteAsync(HttpContext context, TaskView view, JsonSerializerOptions options, CancellationToken ct)
    {
        var shown = context.User.VisiblePart(view);
        await context.Response.WriteAsync($"event: task\ndata: {JsonSerializer.Serialize(shown, options)}\n\n", ct);
        await context.Response.Body.FlushAsync(ct);
    }
}
