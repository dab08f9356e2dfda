using System.Collections.Concurrent;
using Grader.Queue;
using Grader.Testing;

namespace Grader.IntegrationTests.Queue;

/// <summary>Issue 15, acceptance 3: the silo holding queue partitions is killed (SIGKILL) in the middle of
/// a burst of 200 submissions. Every accepted submission that was not claimed is still in line exactly
/// once afterwards. The watchdog is set to 10 minutes, so only the queue's own rows can carry the entries
/// across the kill. Each host has one slot, held by a pull from a registry that accepts connections and
/// never answers: the backlog stays in the queue, and no container or database is ever made.</summary>
public sealed class KilledPartitionSiloTests : IAsyncLifetime
{
    private const int Burst = 200;
    private readonly string _database = $"grader_it_queuekill_{LocalStack.RunId}";
    private readonly string _cluster = $"it-queuekill-{LocalStack.RunId}";

    public Task InitializeAsync() => LocalStack.CreateDatabaseAsync(_database);

    public Task DisposeAsync() => LocalStack.DropDatabaseAsync(_database);

    [Fact]
    public async Task KillingThePartitionsSiloMidBurstLosesAndDuplicatesNoEntry()
    {
        using var registry = new SilentRegistry();
        var extra = new Dictionary<string, string?>
        {
            ["Tasks:WatchdogPeriod"] = "00:10:00",
            ["Queue:Partitions"] = "4",
            ["Queue:LeaseDuration"] = "00:00:05",
            ["Docker:Slots"] = "1",
            // The silent registry must pass the allow-list, so that its pull holds the slot.
            ["Images:AllowedRegistries:2"] = registry.Image.Split('/')[0],
        };
        var names = new[] { $"qk-a-{LocalStack.RunId}", $"qk-b-{LocalStack.RunId}" };
        var silos = names.ToDictionary(n => n, n => SiloProcess.Start(SiloSettings.For(n, _database, _cluster, extra)));
        try
        {
            using var client = await ClusterClient.ConnectAsync(_cluster);
            var grains = client.Grains();
            var queue = grains.GetGrain<ITaskQueueGrain>(0);
            var management = grains.GetGrain<IManagementGrain>(0);
            await WaitUntilAsync(async () => (await management.GetHosts(onlyActive: true)).Count == 2, TimeSpan.FromSeconds(60), silos);
            var assignment = $"queuekill-{LocalStack.RunId}";
            await grains.GetGrain<IAssignmentGrain>(assignment).SetAsync(new AssignmentDefinition(assignment, "Queue kill", DatabaseMode.None, null,
                [], new Dictionary<string, string>(), 8000, null, 30, 10, new ResourceLimits(),
                [new Scenario("list", "Lists", true, 1, [new ScenarioStep(new StepRequest("GET", "/v1/items"), new StepExpectation([200]))])]));
            var victim = await SiloHoldingAPartitionAsync(grains, management);
            var survivor = names.Single(n => n != victim);

            var ids = Enumerable.Range(0, Burst).Select(_ => Guid.NewGuid()).ToList();
            var accepted = new ConcurrentBag<Guid>();
            var killed = 0;
            long rowsAtKill = 0;
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, _) =>
            {
                // Users spread over every partition.
                var spec = new TaskSpec($"qk-{LocalStack.RunId}-{(id.GetHashCode() & 0xffff) % 23}", assignment, registry.Image, false);
                await SubmitWithRetryAsync(grains, id, spec);
                accepted.Add(id);
                if (accepted.Count >= Burst / 2 && Interlocked.Exchange(ref killed, 1) == 0)
                {
                    silos[victim].Kill();
                    rowsAtKill = await LocalStack.ScalarAsync<long>(_database, "SELECT count(*) FROM queue_entry");
                }
            });

            Assert.Equal(Burst, accepted.Distinct().Count());
            // The kill landed on a real backlog, not on an empty queue.
            Assert.True(rowsAtKill >= Burst / 4, $"only {rowsAtKill} entries were waiting at the kill");

            // Once membership has declared the victim dead, its partitions answer again from the survivor.
            var views = new Dictionary<Guid, TaskView>();
            await WaitUntilAsync(async () =>
            {
                views.Clear();
                foreach (var id in ids)
                {
                    views[id] = (await grains.GetGrain<ITaskGrain>(id).GetAsync())!;
                }

                var waiting = views.Values.Where(v => v.Status == GradingStatus.Queued).ToList();
                var inLine = await Task.WhenAll(waiting.Select(v => queue.IsQueuedAsync(v.Id, v.Spec.UserId)));
                return inLine.All(q => q) && await queue.GetLengthAsync() == waiting.Count;
            }, TimeSpan.FromMinutes(2), silos, () => "queued tasks and the queue disagree");

            // The web tier's lookup, from the task's user's partitions only, gives the place the lookup
            // across every partition gives (nothing moves meanwhile: both slots are held).
            foreach (var waiting in views.Values.Where(v => v.Status == GradingStatus.Queued).Take(25))
            {
                var everywhere = await queue.GetPlaceAsync(waiting.Id);
                Assert.NotNull(everywhere);
                Assert.Equal(everywhere.Ahead, (await queue.GetPlaceAsync(waiting.Id, waiting.Spec.UserId))?.Ahead);
            }

            // Only the two slots (and anything the victim held) ever claimed a task: the rest wait, once each.
            Assert.InRange(views.Values.Count(v => v.Status != GradingStatus.Queued), 1, 4);
            Assert.Equal(views.Values.Count(v => v.Status == GradingStatus.Queued), await LocalStack.ScalarAsync<long>(_database, "SELECT count(*) FROM queue_entry"));

            foreach (var id in ids)
            {
                await grains.GetGrain<ITaskGrain>(id).CancelAsync("queue-kill-test");
            }

            Assert.Equal(0, await queue.GetLengthAsync());
            Assert.Equal(0L, await LocalStack.ScalarAsync<long>(_database, "SELECT count(*) FROM queue_entry"));
            Assert.False(silos[survivor].HasExited, silos[survivor].Output);
        }
        finally
        {
            foreach (var silo in silos.Values)
            {
                await silo.DisposeAsync();
            }
        }
    }

    /// <summary>Activates every partition, then names a silo that holds at least one of them.</summary>
    private static async Task<string> SiloHoldingAPartitionAsync(IClusterClient grains, IManagementGrain management)
    {
        await grains.GetGrain<ITaskQueueGrain>(0).GetLengthAsync();
        var hosts = await management.GetDetailedHosts(onlyActive: true);
        for (var p = 0; p < 4; p++)
        {
            var address = await management.GetActivationAddress(grains.GetGrain<IQueuePartitionGrain>(p));
            if (hosts.FirstOrDefault(h => h.SiloAddress.Equals(address)) is { } host)
            {
                return host.SiloName;
            }
        }

        throw new InvalidOperationException("No queue partition is active on any silo.");
    }

    /// <summary>As a web tier would: a submission that failed because a silo died is sent again, with the
    /// same id (submitting is idempotent).</summary>
    private static async Task SubmitWithRetryAsync(IClusterClient grains, Guid id, TaskSpec spec)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            try
            {
                await grains.GetGrain<ITaskGrain>(id).SubmitAsync(spec);
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan limit, Dictionary<string, SiloProcess> silos, Func<string>? why = null)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!await TryAsync(condition))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{why?.Invoke()}; silo output:\n" + string.Join("\n---\n", silos.Values.Select(s => s.Output)));
            await Task.Delay(250);
        }
    }

    /// <summary>While membership has not yet declared the victim dead, calls routed to it fail; try again.</summary>
    private static async Task<bool> TryAsync(Func<Task<bool>> condition)
    {
        try
        {
            return await condition();
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            return false;
        }
    }
}
