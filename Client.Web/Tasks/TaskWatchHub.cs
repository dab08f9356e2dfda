using System.Threading.Channels;
using Grader.Queue;
using Grader.Tasks;
using Grader.Web.Hosting;
using Microsoft.Extensions.Options;

namespace Grader.Web.Tasks;

/// <summary>What one stream hears: a view the grain pushed, a view read again on renewal (sent only if
/// it moved on), or the task's place in line.</summary>
public sealed record TaskWatchEvent(TaskView? View, bool Reread, int? Ahead);

/// <summary>The live streams of this web process, by task: one observer and one subscription per watched
/// task however many streams (tabs) watch it, and one sweep a second for the whole process that renews
/// each subscription (re-reading the task, so a change the grain made while it had forgotten us is
/// sent) and reads the place in line of waiting tasks. A stream's own work is writing what it hears,
/// so the calls to the cluster grow with the tasks watched, not with the streams, and a task far back
/// in line is asked about less often than one near the front.</summary>
public sealed class TaskWatchHub(IGrainFactory grains, IOptions<TaskStreamOptions> options, TimeProvider clock) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FrontInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan BackInterval = TimeSpan.FromSeconds(30);
    private const int Front = 20;
    // Sweep calls in flight at once: enough to renew thousands of tasks a minute, few enough not to flood the gateway.
    private const int SweepParallelism = 16;

    private readonly Dictionary<Guid, WatchedTask> _tasks = [];

    /// <summary>Tasks with at least one open stream here.</summary>
    public int WatchedTasks
    {
        get
        {
            lock (_tasks)
            {
                return _tasks.Count;
            }
        }
    }

    /// <summary>Whether any stream here watches task <paramref name="id"/>.</summary>
    public bool IsWatched(Guid id)
    {
        lock (_tasks)
        {
            return _tasks.ContainsKey(id);
        }
    }

    /// <summary>How long until the place of a task with <paramref name="ahead"/> tasks before it is read
    /// again. Near the front it changes with every claim; far back a move of a few places is news to nobody,
    /// and the interval grows with the distance (about 10 × ln(n) reads a second for n waiting and watched).</summary>
    public static TimeSpan PlaceInterval(int? ahead) => ahead is int n && n > Front
        ? TimeSpan.FromTicks(Math.Min(BackInterval.Ticks, FrontInterval.Ticks * n / Front))
        : FrontInterval;

    /// <summary>Starts hearing task <paramref name="id"/>'s changes; the subscription is in place when this
    /// returns, so read the task after it and nothing falls between. Dispose to stop.</summary>
    public async Task<TaskWatch> WatchAsync(Guid id)
    {
        var watch = new TaskWatch(this, id);
        WatchedTask task;
        lock (_tasks)
        {
            if (!_tasks.TryGetValue(id, out task!))
            {
                task = new WatchedTask(this, grains.GetGrain<ITaskGrain>(id), clock.GetUtcNow() + options.Value.Renewal);
                task.Reference = grains.CreateObjectReference<ITaskObserver>(task);
                task.Subscribed = task.Grain.SubscribeAsync(task.Reference);
                _tasks[id] = task;
            }

            task.Watches.Add(watch);
        }

        try
        {
            await task.Subscribed;
        }
        catch
        {
            await LeaveAsync(watch);
            throw;
        }

        return watch;
    }

    internal void Seen(Guid id, TaskView view)
    {
        lock (_tasks)
        {
            if (_tasks.TryGetValue(id, out var task))
            {
                task.Status = view.Status;
            }
        }
    }

    internal async Task LeaveAsync(TaskWatch watch)
    {
        WatchedTask? last = null;
        lock (_tasks)
        {
            if (_tasks.TryGetValue(watch.TaskId, out var task) && task.Watches.Remove(watch) && task.Watches.Count == 0)
            {
                _tasks.Remove(watch.TaskId);
                last = task;
            }
        }

        if (last is null)
        {
            return;
        }

        try
        {
            await last.Subscribed;
            await last.Grain.UnsubscribeAsync(last.Reference);
        }
        catch (Exception e) when (ClusterUnavailable.IsTransient(e) || last.Subscribed.IsFaulted)
        {
            // A grain that moved has forgotten this subscription already; one never made needs no undoing.
        }
        finally
        {
            grains.DeleteObjectReference<ITaskObserver>(last.Reference);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Tick, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = clock.GetUtcNow();
                List<WatchedTask> due;
                lock (_tasks)
                {
                    due = [.. _tasks.Values.Where(t => t.RenewAt <= now || (t.Status == GradingStatus.Queued && t.PlaceAt <= now))];
                }

                await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = SweepParallelism, CancellationToken = stoppingToken },
                    async (task, _) => await RefreshAsync(task, now));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The web process is stopping.
        }
    }

    private async Task RefreshAsync(WatchedTask task, DateTimeOffset now)
    {
        if (task.RenewAt <= now)
        {
            task.RenewAt = now + options.Value.Renewal;
            try
            {
                // Subscribe first, then read: a change between the two arrives through the observer.
                await task.Grain.SubscribeAsync(task.Reference);
                if (await task.Grain.GetAsync() is { } current)
                {
                    task.Deliver(new TaskWatchEvent(current, Reread: true, null));
                }
            }
            catch (Exception e) when (ClusterUnavailable.IsTransient(e))
            {
                // The grain is moving right now; the next renewal tries again.
            }
        }

        if (task.Status == GradingStatus.Queued && task.PlaceAt <= now)
        {
            try
            {
                var ahead = await grains.GetGrain<ITaskQueueGrain>(0).GetPositionAsync(task.Grain.GetPrimaryKey());
                task.PlaceAt = now + PlaceInterval(ahead);
                if (ahead is int place)
                {
                    task.Deliver(new TaskWatchEvent(null, Reread: false, place));
                }
            }
            catch (Exception e) when (ClusterUnavailable.IsTransient(e))
            {
                // The place in line is a courtesy; the next interval asks again.
                task.PlaceAt = now + FrontInterval;
            }
        }
    }

    /// <summary>One watched task: its observer, its streams here, and when the sweep next looks at it.</summary>
    private sealed class WatchedTask(TaskWatchHub hub, ITaskGrain grain, DateTimeOffset renewAt) : ITaskObserver
    {
        public ITaskGrain Grain { get; } = grain;

        public ITaskObserver Reference { get; set; } = null!;

        public Task Subscribed { get; set; } = Task.CompletedTask;

        /// <summary>Guarded by the hub's lock.</summary>
        public List<TaskWatch> Watches { get; } = [];

        public GradingStatus? Status { get; set; }

        public DateTimeOffset RenewAt { get; set; } = renewAt;

        public DateTimeOffset PlaceAt { get; set; }

        public Task OnTaskChangedAsync(TaskView view)
        {
            Deliver(new TaskWatchEvent(view, Reread: false, null));
            return Task.CompletedTask;
        }

        public void Deliver(TaskWatchEvent change)
        {
            List<TaskWatch> watches;
            lock (hub._tasks)
            {
                if (change.View is { } view)
                {
                    Status = view.Status;
                }

                watches = [.. Watches];
            }

            foreach (var watch in watches)
            {
                watch.Writer.TryWrite(change);
            }
        }
    }
}

/// <summary>One stream's hold on a watched task. Its buffer is bounded: a client that reads slower than
/// changes come loses the oldest, and every view is whole, so the newest still carries everything.</summary>
public sealed class TaskWatch : IAsyncDisposable
{
    private const int Buffer = 64;
    private readonly TaskWatchHub _hub;
    private readonly Channel<TaskWatchEvent> _events = Channel.CreateBounded<TaskWatchEvent>(
        new BoundedChannelOptions(Buffer) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });

    internal TaskWatch(TaskWatchHub hub, Guid taskId) => (_hub, TaskId) = (hub, taskId);

    public Guid TaskId { get; }

    public ChannelReader<TaskWatchEvent> Events => _events.Reader;

    internal ChannelWriter<TaskWatchEvent> Writer => _events.Writer;

    /// <summary>Tells the hub what the stream read itself, so it knows whether to ask for the place in line.</summary>
    public void Seen(TaskView view) => _hub.Seen(TaskId, view);

    public ValueTask DisposeAsync() => new(_hub.LeaveAsync(this));
}
