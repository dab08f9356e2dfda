using Grader.Assignments;
using Grader.Database;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Runtime;

namespace Grader.Sandbox.Clones;

/// <summary>Keeps this host's pool in step with the queue, in the background: every
/// <see cref="ClonePoolOptions.RefillInterval"/> (and at once after a take) it reads how many tasks of
/// each assignment wait, drops clones whose template or assignment changed, and makes or drops one clone
/// at a time as <see cref="ClonePlan.Next"/> says. A claim never waits for it. On shutdown it drops every
/// clone it holds; a host that dies leaves its clones to the dead-host sweep.</summary>
public sealed partial class ClonePoolFiller(
    IOptions<DatabaseOptions> databaseOptions,
    IOptions<ClonePoolOptions> options,
    IsolatedClones clones,
    PooledClones pool,
    DatabaseSandbox sandbox,
    CheckerRole checker,
    GraderDataSource readModel,
    IGrainFactory grains,
    ILocalSiloDetails silo,
    TimeProvider clock,
    ILogger<ClonePoolFiller> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private static readonly TimeSpan DropTimeout = TimeSpan.FromSeconds(30);
    private readonly ClonePoolOptions _options = options.Value;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly SemaphoreSlim _round = new(1, 1);
    private readonly Dictionary<string, DateTimeOffset> _lastQueued = new(StringComparer.Ordinal);
    private Task _loop = Task.CompletedTask;

    private string HostTag => SandboxNames.TagFor(silo.Name);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ClonePoolFiller), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    public void Dispose()
    {
        _stop.Dispose();
        _wake.Dispose();
        _round.Dispose();
    }

    private Task StartAsync(CancellationToken ct)
    {
        if (_options.MaxPerAssignment > 0)
        {
            pool.Taken += Wake;
            _loop = Task.Run(() => LoopAsync(_stop.Token));
        }

        return Task.CompletedTask;
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    private async Task StopAsync(CancellationToken ct)
    {
        pool.Taken -= Wake;
        await _stop.CancelAsync();
        await _loop;
        using var bounded = new CancellationTokenSource(DropTimeout);
        foreach (var clone in pool.Snapshot())
        {
            await DropAsync(clone, "host stopping", bounded.Token);
        }
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await RoundAsync(ct);
                await _wake.WaitAsync(_options.RefillInterval, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogRoundFailed(logger, e);
                try
                {
                    await Task.Delay(_options.RefillInterval, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One round (one at a time); the tests and the benchmark call it to fill the pool without waiting.</summary>
    public async Task RoundAsync(CancellationToken ct)
    {
        await _round.WaitAsync(ct);
        try
        {
            await RoundCoreAsync(ct);
        }
        finally
        {
            _round.Release();
        }
    }

    private async Task RoundCoreAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var queued = await QueuedAsync(ct);
        foreach (var assignment in queued.Keys)
        {
            _lastQueued[assignment] = now;
        }

        var held = pool.Snapshot();
        var definitions = new Dictionary<string, AssignmentDefinition>(StringComparer.Ordinal);
        foreach (var id in queued.Keys.Concat(held.Select(c => c.Key.Assignment)).Distinct(StringComparer.Ordinal))
        {
            if (await grains.GetGrain<IAssignmentGrain>(id).GetAsync() is { DatabaseMode: DatabaseMode.Isolated, Database: not null } definition)
            {
                definitions[id] = definition;
            }
        }

        await using var admin = new NpgsqlConnection(databaseOptions.Value.ConnectionString("postgres"));
        await admin.OpenAsync(ct);
        var templates = (await IsolatedClones.ReadTemplatesAsync(admin, definitions.Values.Select(d => d.Database!).Distinct().ToList(), ct))
            .ToDictionary(t => t.Name, StringComparer.Ordinal);
        var keys = new Dictionary<string, (CloneKey Key, TemplateFacts Template)>(StringComparer.Ordinal);
        foreach (var (id, definition) in definitions)
        {
            if (templates.TryGetValue(definition.Database!, out var facts))
            {
                keys[id] = (new CloneKey(id, facts.Name, CloneKey.SchemasKey(Schemas(definition)), facts.Version), facts);
            }
        }

        foreach (var clone in held.Where(c => !keys.TryGetValue(c.Key.Assignment, out var current) || current.Key != c.Key))
        {
            await DropAsync(clone, "its template or assignment changed", ct);
        }

        // One step at a time, each planned on what the pool holds now; bounded so a round always ends.
        for (var step = 0; step < 2 * _options.MaxTotal + 2; step++)
        {
            var ready = pool.Snapshot();
            var demands = keys.Select(k => new PoolDemand(k.Key, queued.GetValueOrDefault(k.Key), k.Value.Template.Bytes,
                ready.Count(c => c.Key == k.Value.Key), ready.Where(c => c.Key == k.Value.Key).Sum(c => c.Bytes),
                !_lastQueued.TryGetValue(k.Key, out var last) || now - last >= _options.IdleTimeout)).ToList();
            var action = ClonePlan.Next(demands, _options.Limits);
            // A claim on its way no longer counts as queued but still wants its clone: drop nothing yet.
            if (action.Kind == PoolActionKind.None || (action.Kind == PoolActionKind.Drop && pool.ClaimsArriving))
            {
                return;
            }

            var (key, template) = keys[action.Assignment!];
            if (action.Kind == PoolActionKind.Drop)
            {
                // The newest goes first: the oldest is the one the next claim takes.
                await DropAsync(ready.Where(c => c.Key == key).MaxBy(c => c.MadeAt)!, "more than the queue asks for", ct);
            }
            else if (!await CloneAsync(admin, key, template, definitions[key.Assignment], ct))
            {
                return;
            }
        }
    }

    private async Task<bool> CloneAsync(NpgsqlConnection admin, CloneKey key, TemplateFacts template, AssignmentDefinition definition, CancellationToken ct)
    {
        var name = SandboxNames.NewPoolName(HostTag);
        pool.Reserve(name);
        try
        {
            await checker.EnsureAsync(HostTag, ct);
            var started = clock.GetTimestamp();
            await clones.PrepareAsync(admin, name, template.Name, template.Bytes, CheckerRole.NameFor(HostTag), Schemas(definition), ct);
            var bytes = (await IsolatedClones.ReadTemplatesAsync(admin, [name], ct)).Single().Bytes;
            var others = pool.Snapshot();
            if (!ClonePlan.Fits(others.Count, others.Sum(c => c.Bytes), bytes, _options.Limits))
            {
                // Measured larger than its template: it would break the budget.
                await sandbox.DropAsync(name, CancellationToken.None);
                pool.Release(name);
                return false;
            }

            pool.Add(new PooledClone(name, key, bytes, clock.GetUtcNow()));
            LogCloned(logger, name, key.Assignment, template.Name, bytes / ClonePlan.Megabyte, clock.GetElapsedTime(started).TotalMilliseconds);
            return true;
        }
        catch (Exception e)
        {
            if (e is not OperationCanceledException)
            {
                LogCloneFailed(logger, e, key.Assignment, template.Name);
            }

            using var bounded = new CancellationTokenSource(DropTimeout);
            await sandbox.DropAsync(name, bounded.Token);
            pool.Release(name);
            if (e is OperationCanceledException)
            {
                throw;
            }

            return false;
        }
    }

    private async Task DropAsync(PooledClone clone, string reason, CancellationToken ct)
    {
        if (!pool.TryWithdraw(clone.Name))
        {
            return;
        }

        try
        {
            await sandbox.DropAsync(clone.Name, ct);
            LogDropped(logger, clone.Name, clone.Key.Assignment, reason);
        }
        finally
        {
            // If the drop failed, the sweep finds the name unheld and removes it.
            pool.Release(clone.Name);
        }
    }

    private async Task<Dictionary<string, int>> QueuedAsync(CancellationToken ct)
    {
        await using var command = readModel.Source.CreateCommand(
            "SELECT assignment_id, count(*)::int FROM task_summary WHERE status = 'Queued' GROUP BY assignment_id");
        var queued = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            queued[reader.GetString(0)] = reader.GetInt32(1);
        }

        return queued;
    }

    private static IReadOnlyList<string> Schemas(AssignmentDefinition definition) => definition.Schemas.Count > 0 ? definition.Schemas : ["public"];

    [LoggerMessage(Level = LogLevel.Information, Message = "Pooled clone {Clone} of {Template} ready for assignment {Assignment}: {SizeMb} MB in {ElapsedMs} ms")]
    private static partial void LogCloned(ILogger logger, string clone, string assignment, string template, long sizeMb, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped pooled clone {Clone} of assignment {Assignment}: {Reason}")]
    private static partial void LogDropped(ILogger logger, string clone, string assignment, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not clone {Template} for assignment {Assignment}'s pool")]
    private static partial void LogCloneFailed(ILogger logger, Exception e, string assignment, string template);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Clone pool round failed")]
    private static partial void LogRoundFailed(ILogger logger, Exception e);
}
