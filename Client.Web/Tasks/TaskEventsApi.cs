using System.Text.Json;
using System.Threading.Channels;
using Grader.Queue;
using Grader.Tasks;
using Microsoft.AspNetCore.Http.Json;
using Grader.Web.Auth.Http;
using Grader.Web.Hosting;
using Microsoft.Extensions.Options;

namespace Grader.Web.Tasks;

/// <summary>Live progress as server-sent events: one <c>task</c> event with the whole view at once and
/// after every persisted change, until the task finishes; while it waits, a <c>queue</c> event whenever
/// its place in line moves. Works in both web modes, because changes
/// arrive through an Orleans observer rather than from this process's own silo. A student gets only their
/// own tasks, redacted; anyone else's id is "not found". A task grain that moves forgets its observers, so
/// the stream renews its subscription and reads the task again on every renewal, sending what it missed.</summary>
public static class TaskEventsApi
{
    private static readonly TimeSpan QueueInterval = TimeSpan.FromSeconds(2);

    public static IEndpointRouteBuilder MapTaskEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/tasks/{id:guid}/events", StreamAsync);
        return app;
    }

    public static async Task StreamAsync(Guid id, HttpContext context, IGrainFactory grains, IOptions<JsonOptions> json, IOptions<TaskStreamOptions> options)
    {
        var renewal = options.Value.Renewal;
        var user = context.User;
        var grain = grains.GetGrain<ITaskGrain>(id);
        var changes = Channel.CreateUnbounded<TaskView>(new UnboundedChannelOptions { SingleReader = true });
        var relay = new ChannelObserver(changes.Writer);
        var reference = grains.CreateObjectReference<ITaskObserver>(relay);
        var ct = context.RequestAborted;
        // Subscribe before reading, so no change falls between the first view and the stream.
        await grain.SubscribeAsync(reference);
        try
        {
            if (await grain.GetAsync() is not { } first || !user.CanSee(first))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            context.Response.Headers.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            context.Response.Headers["X-Accel-Buffering"] = "no";
            await WriteAsync(context, first, json.Value.SerializerOptions, ct);
            var view = first;
            var renewAt = DateTimeOffset.UtcNow + renewal;
            int? position = null;
            while (!view.Status.IsTerminal())
            {
                // While the task waits, its place in line changes without the task changing: ask the
                // queue every few seconds and push a "queue" event when the place moved.
                var queued = view.Status == GradingStatus.Queued;
                using var wake = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wake.CancelAfter(queued && QueueInterval < renewal ? QueueInterval : renewal);
                try
                {
                    view = await changes.Reader.ReadAsync(wake.Token);
                    await WriteAsync(context, view, json.Value.SerializerOptions, ct);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    if (queued)
                    {
                        position = await PushPlaceAsync(context, grains, id, position, ct);
                    }

                    if (DateTimeOffset.UtcNow >= renewAt)
                    {
                        renewAt = DateTimeOffset.UtcNow + renewal;
                        view = await RenewAsync(context, grain, reference, view, json.Value.SerializerOptions, ct);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The browser went away.
        }
        finally
        {
            try
            {
                await grain.UnsubscribeAsync(reference);
            }
            catch (Exception e) when (ClusterUnavailable.IsTransient(e))
            {
                // A grain that moved has forgotten this subscription already.
            }

            grains.DeleteObjectReference<ITaskObserver>(reference);
            // Orleans holds the observer only weakly: without this, an optimised build may collect it
            // mid-stream, and the page silently stops getting updates.
            GC.KeepAlive(relay);
        }
    }

    private static async Task<int?> PushPlaceAsync(HttpContext context, IGrainFactory grains, Guid id, int? sent, CancellationToken ct)
    {
        try
        {
            if (await grains.GetGrain<ITaskQueueGrain>(0).GetPositionAsync(id) is int now && now != sent)
            {
                await context.Response.WriteAsync($"event: queue\ndata: {{\"position\":{now}}}\n\n", ct);
                await context.Response.Body.FlushAsync(ct);
                return now;
            }
        }
        catch (Exception e) when (ClusterUnavailable.IsTransient(e))
        {
            // The place in line is a courtesy; the next tick asks again.
        }

        return sent;
    }

    /// <summary>Subscribes again (first, so nothing falls between) and reads the task: a change the grain
    /// made while it did not know this stream is sent now. Returns the view the browser now has.</summary>
    private static async Task<TaskView> RenewAsync(HttpContext context, ITaskGrain grain, ITaskObserver reference, TaskView sent,
        JsonSerializerOptions options, CancellationToken ct)
    {
        try
        {
            await grain.SubscribeAsync(reference);
            if (await grain.GetAsync() is { } current && Progressed(sent, current))
            {
                await WriteAsync(context, current, options, ct);
                return current;
            }
        }
        catch (Exception e) when (ClusterUnavailable.IsTransient(e))
        {
            // The grain is moving right now; the next renewal tries again.
        }

        await context.Response.WriteAsync(": still here\n\n", ct);
        return sent;
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

    private sealed class ChannelObserver(ChannelWriter<TaskView> writer) : ITaskObserver
    {
        public Task OnTaskChangedAsync(TaskView view)
        {
            writer.TryWrite(view);
            return Task.CompletedTask;
        }
    }
}
