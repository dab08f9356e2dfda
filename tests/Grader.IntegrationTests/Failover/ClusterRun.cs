using Grader.Runners;
using Grader.Sandbox;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;

namespace Grader.IntegrationTests.Failover;

/// <summary>Silo processes, each on its own Docker engine, in one cluster of their own, with a client and
/// an assignment whose app takes a few seconds to start (so kills and stops land mid-job).</summary>
public sealed class ClusterRun : IAsyncDisposable
{
    private readonly Dictionary<string, SiloProcess> _silos = [];
    private readonly string _cluster;
    private readonly string _database;
    private IHost? _client;
    private string? _template;

    public ClusterRun(string name)
    {
        _cluster = $"it-{name}-{LocalStack.RunId}";
        _database = $"grader_it_{name.Replace('-', '_')}_{LocalStack.RunId}";
        Assignment = $"{name}-{LocalStack.RunId}";
    }

    public string Assignment { get; }

    public IClusterClient Grains => _client!.Grains();

    public SiloProcess this[string host] => _silos[host];

    public static string Image => $"{LocalStack.Get("GRADER_REGISTRY")}/students/app:slow-start";

    public async Task StartAsync(IReadOnlyDictionary<string, int> hostEngines, double startDelaySeconds, IDictionary<string, string?>? extra = null)
    {
        await LocalStack.CreateDatabaseAsync(_database);
        foreach (var (host, engine) in hostEngines)
        {
            var settings = new Dictionary<string, string?>(Engines.Settings(engine)) { ["Docker:Slots"] = "2" };
            foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
            {
                settings[key] = value;
            }

            _silos[host] = SiloProcess.Start(SiloSettings.For(host, _database, _cluster, settings));
        }

        _client = await ClusterClient.ConnectAsync(_cluster, TimeSpan.FromSeconds(120));
        await WaitUntilAsync(async () =>
        {
            var active = (await Grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: true)).Select(h => h.SiloName).ToHashSet();
            return hostEngines.Keys.All(active.Contains);
        }, TimeSpan.FromSeconds(120));
        _template = (await DemoAssignment.LoadAsync(Assignment)).Database;
        await Grains.GetGrain<IAssignmentGrain>(Assignment).SetAsync(new AssignmentDefinition(Assignment, "Hosts", DatabaseMode.Isolated, _template,
            ["public"], new Dictionary<string, string> { ["START_DELAY_SECONDS"] = startDelaySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            8000, null, 60, 10, new ResourceLimits(),
            [new Scenario("list", "Lists", true, 1, [new ScenarioStep(new StepRequest("GET", "/v1/items"), new StepExpectation([200]))])]));
    }

    public async Task<List<Guid>> SubmitAsync(int count)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToList();
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            await Grains.GetGrain<ITaskGrain>(id).SubmitAsync(new TaskSpec($"student-{i % 7}", Assignment, Image, false));
        }

        return ids;
    }

    public async Task<List<TaskView>> ViewsAsync(IEnumerable<Guid> ids) =>
        [.. await Task.WhenAll(ids.Select(async id => (await Grains.GetGrain<ITaskGrain>(id).GetAsync())!))];

    /// <summary>Tasks whose current attempt runs on the host right now.</summary>
    public async Task<int> RunningOnAsync(IEnumerable<Guid> ids, string host) =>
        (await ViewsAsync(ids)).Count(v => v.Host == host && v.Status is GradingStatus.Preparing or GradingStatus.Starting or GradingStatus.Testing);

    public async Task<List<TaskView>> WaitAllTerminalAsync(IReadOnlyCollection<Guid> ids, TimeSpan limit)
    {
        List<TaskView> views = [];
        await WaitUntilAsync(async () => (views = await ViewsAsync(ids)).All(v => v.Status.IsTerminal()), limit);
        return views;
    }

    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                // The cluster is between memberships; ask again.
            }

            Assert.True(DateTime.UtcNow < deadline, "condition not reached; silo output:\n" + string.Join("\n----\n", _silos.Select(s => $"{s.Key}:\n{Tail(s.Value.Output)}")));
            await Task.Delay(200);
        }
    }

    public async Task<bool> IsDeclaredDeadAsync(string host) =>
        !(await Grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: true)).Any(h => h.SiloName == host);

    /// <summary>The host of each attempt, from the task's "claimed" phases.</summary>
    public static Dictionary<int, string> HostsByAttempt(TaskView view) =>
        view.Phases.Where(p => p.Phase == "claimed").ToDictionary(p => p.Attempt, p => p.Detail!);

    /// <summary>A task's phases, steps and every silo's log lines about it, for a failure message.</summary>
    public string Story(TaskView view) =>
        $"task {view.Id} {view.Status} {view.Score}/{view.MaxScore}: {view.Message}\n"
        + string.Join("\n", view.Phases.Select(p => $"  {p.At:HH:mm:ss.fff} attempt {p.Attempt} {p.Phase}: {p.Detail} {p.StaffDetail}"))
        + "\n" + string.Join("\n", view.Steps.Select(s => $"  step {s.ScenarioId}/{s.StepIndex} attempt {s.Attempt}: {s.Outcome} {s.StatusCode} {s.Message}"))
        + "\n" + string.Join("\n", _silos.SelectMany(s => s.Value.Output.Split('\n')
            .Where(l => l.Contains(view.Id.ToString(), StringComparison.Ordinal)).Select(l => $"  {s.Key}: {l}")));

    /// <summary>Roles and databases that carry the host's tag.</summary>
    public static async Task<long> SandboxCountAsync(string host)
    {
        var prefix = $"{SandboxNames.Prefix}{SandboxNames.TagFor(host)}_";
        return await LocalStack.ScalarAsync<long>("postgres",
            "SELECT (SELECT count(*) FROM pg_roles WHERE starts_with(rolname, @p)) + (SELECT count(*) FROM pg_database WHERE starts_with(datname, @p))",
            ("p", prefix));
    }

    /// <summary>Containers with the host's tag on engine N.</summary>
    public static async Task<int> ContainerCountAsync(string host, int engine)
    {
        using var docker = new Docker.DotNet.DockerClientConfiguration(new Uri(Engines.Endpoint(engine))).CreateClient();
        var list = await docker.Containers.ListContainersAsync(new Docker.DotNet.Models.ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{SandboxNames.LabelHost}={SandboxNames.TagFor(host)}"] = true },
            },
        });
        return list.Count;
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        foreach (var silo in _silos.Values)
        {
            await silo.DisposeAsync();
        }

        await LocalStack.DropDatabaseAsync(_database);
        if (_template is not null)
        {
            await LocalStack.DropDatabaseAsync(_template);
        }
    }

    private static string Tail(string output) => output.Length > 4000 ? output[^4000..] : output;
}
