using System.Globalization;
using Grader.Assignments;
using Grader.Bench.Pipeline;
using Grader.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Grader.Bench.Clones;

/// <summary>A silo of its own (own cluster, state database and host name) with one slot and a clone pool
/// that fills only when the benchmark asks (a long refill interval), so each sample is warm or cold by
/// design. Its state database is dropped when it stops.</summary>
internal sealed class BenchSilo : IAsyncDisposable
{
    private readonly BenchTemplate _databases;
    private readonly string _stateDatabase;

    private BenchSilo(IHost host, BenchTemplate databases, string stateDatabase)
    {
        Host = host;
        _databases = databases;
        _stateDatabase = stateDatabase;
    }

    public IHost Host { get; }

    public static async Task<BenchSilo> StartAsync(Dictionary<string, string> env, long templateBytes)
    {
        var stamp = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        var databases = new BenchTemplate(env);
        var state = $"grader_bench_clones_state_{stamp}";
        await databases.ExecAsync("postgres", $"CREATE DATABASE {state}");
        var budgetMb = (int)(templateBytes / 1048576 * 3) + 64;
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(StackEnvironment.SiloSettings(env, $"bench-clones-{stamp}", state, 21321));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // The clone starts at the template's size; the per-attempt budget must leave room above it.
            ["Database:SandboxDatabaseLimitMb"] = budgetMb.ToString(CultureInfo.InvariantCulture),
            ["Docker:Slots"] = "1",
            ["Docker:Registries:0:Server"] = env["GRADER_REGISTRY"],
            ["Docker:Registries:0:Username"] = env["GRADER_REGISTRY_USER"],
            ["Docker:Registries:0:Password"] = env["GRADER_REGISTRY_PASSWORD"],
            ["Images:AllowedRegistries:0"] = env["GRADER_REGISTRY"],
            ["ClonePool:MaxPerAssignment"] = "1",
            ["ClonePool:MaxTotal"] = "1",
            ["ClonePool:DiskBudgetMb"] = budgetMb.ToString(CultureInfo.InvariantCulture),
            ["ClonePool:RefillInterval"] = "00:05:00",
        });
        builder.AddGraderSilo();
        var host = builder.Build();
        await host.StartAsync();
        return new BenchSilo(host, databases, state);
    }

    public static AssignmentDefinition Assignment(string template) => new("bench-clones", "Clone pool benchmark", DatabaseMode.Isolated, template, ["public"],
        new Dictionary<string, string> { ["NAME"] = "Arthur" }, 8000, null, 60, 30, new ResourceLimits(),
        [new Scenario("hello", "Hello", true, 0, [new ScenarioStep(new StepRequest("GET", "/v1/hello"), new StepExpectation([200], """{"greeting": "Hello, Arthur!"}"""))])]);

    public async ValueTask DisposeAsync()
    {
        // Stopping the silo drops its pooled clones; the attempts' own databases went with their cleanup.
        await Host.StopAsync();
        Host.Dispose();
        await _databases.ExecAsync("postgres", $"DROP DATABASE IF EXISTS {_stateDatabase} WITH (FORCE)");
    }
}
