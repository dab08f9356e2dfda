using Grader.Database;
using Grader.Sandbox;
using Grader.Sandbox.Clones;
using Grader.Tasks;
using Microsoft.Extensions.Logging;

namespace Grader.Runners;

/// <summary>Tidies up after a host: removes the containers, roles and databases of attempts it no longer
/// runs, and puts attempts recorded for it back in line. A host does this for itself (at start and
/// periodically), and any live host does it for a dead one.</summary>
public sealed partial class HostSweeper(
    GradingServices services,
    GraderDataSource database,
    IsolatedClones clones,
    PooledClones pool,
    IGrainFactory grains,
    ILogger<HostSweeper> logger)
{
    private const string RunningAttempts = """
        SELECT task_id, attempt FROM task_summary
        WHERE host = @host AND status IN ('Preparing', 'Starting', 'Testing')
        """;

    /// <summary>Removes what carries the host's tag and belongs to no live attempt: containers on this
    /// silo's engine (a host with its own engine finds none of another's), roles and databases, and
    /// pooled clones this silo's pool does not hold. Dropping the role ends the student app's logins at once.</summary>
    /// <returns>False when a part of the sweep failed (the engine or the database was out of reach).</returns>
    public async Task<bool> RemoveOrphansAsync(string host, Func<Guid, int, bool> isLive, CancellationToken ct)
    {
        var clean = true;
        var tag = SandboxNames.TagFor(host);
        bool Orphan(string name) => SandboxNames.TryParse(name) is not { } n || !isLive(n.TaskId, n.Attempt);
        try
        {
            foreach (var container in await services.Engine.ListOwnContainersAsync(tag, ct))
            {
                var name = container.Name;
                if (Orphan(name))
                {
                    LogOrphanRemoved(logger, host, "container", name);
                    await services.Engine.RemoveContainerAsync(container.Id, ct);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The engine may be the thing that is down; the databases are removed all the same.
            LogSweepFailed(logger, e, host, "containers");
            clean = false;
        }

        try
        {
            foreach (var name in await services.Database.ListOwnAsync(tag, ct))
            {
                if (Orphan(name))
                {
                    LogOrphanRemoved(logger, host, "database sandbox", name);
                    await services.Database.DropAsync(name, ct);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogSweepFailed(logger, e, host, "database sandboxes");
            clean = false;
        }

        try
        {
            // Pooled clones: this silo's pool holds its live ones; another host's are never held here.
            foreach (var name in await clones.ListPooledAsync(tag, ct))
            {
                if (!pool.Holds(name))
                {
                    LogOrphanRemoved(logger, host, "pooled clone", name);
                    await services.Database.DropAsync(name, ct);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogSweepFailed(logger, e, host, "pooled clones");
            clean = false;
        }

        return clean;
    }

    /// <summary>Tells every task that the read model shows running on the host that the host lost its
    /// attempt. The task requeues only if that attempt is still current there, so a stale row or a
    /// repeat is harmless; the task's watchdog catches any row the read model missed.</summary>
    public async Task RequeueLostAsync(string host, CancellationToken ct)
    {
        List<(Guid TaskId, int Attempt)> lost = [];
        try
        {
            await using var command = database.Source.CreateCommand(RunningAttempts);
            command.Parameters.AddWithValue("host", host);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                lost.Add((reader.GetGuid(0), reader.GetInt32(1)));
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogSweepFailed(logger, e, host, "attempts");
            return;
        }

        await Task.WhenAll(lost.Select(async a =>
        {
            try
            {
                // The task grain may itself have lived on the dead silo and be moving: keep trying a while.
                await services.ReportRetry.ExecuteAsync(async token => await grains.GetGrain<ITaskGrain>(a.TaskId).HostLostAsync(host, a.Attempt).WaitAsync(token), ct);
                LogAttemptRequeued(logger, a.TaskId, a.Attempt, host);
            }
            catch (Exception e)
            {
                LogSweepFailed(logger, e, host, $"task {a.TaskId}");
            }
        }));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed orphaned {Kind} {Name} of host {Host}")]
    private static partial void LogOrphanRemoved(ILogger logger, string host, string kind, string name);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not sweep {What} of host {Host}")]
    private static partial void LogSweepFailed(ILogger logger, Exception e, string host, string what);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} attempt {Attempt}: told that host {Host} lost it")]
    private static partial void LogAttemptRequeued(ILogger logger, Guid taskId, int attempt, string host);
}
