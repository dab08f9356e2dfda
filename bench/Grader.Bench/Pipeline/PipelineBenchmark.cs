using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using ContainerRemoveParameters = Docker.DotNet.Models.ContainerRemoveParameters;
using ContainerStartParameters = Docker.DotNet.Models.ContainerStartParameters;
using CreateContainerParameters = Docker.DotNet.Models.CreateContainerParameters;
using HostConfig = Docker.DotNet.Models.HostConfig;
using Grader.Assignments;
using Grader.Runners;
using Grader.Silo.Hosting;
using Grader.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Grader.Bench.Pipeline;

/// <summary>The grader's own cost per task: end-to-end time minus the student app's start and request
/// time, for a small app and five scenarios, next to the bare engine floor (create, start, remove the
/// same image) measured in the same run. The reference system waits at least 25 s per task.</summary>
internal static partial class PipelineBenchmark
{
    internal const int Scenarios = 5;

    public static async Task<int> RunAsync(int runs)
    {
        var env = StackEnvironment.Read();
        var stamp = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        var stateDatabase = $"grader_bench_{stamp}";
        var template = $"grader_bench_tpl_{stamp}";
        var image = $"{env["GRADER_REGISTRY"]}/students/app:correct";
        await ExecAsync(env, "postgres", $"CREATE DATABASE {stateDatabase}");
        await ExecAsync(env, "postgres", $"CREATE DATABASE {template}");
        await ExecAsync(env, template, await File.ReadAllTextAsync(Path.Combine(StackEnvironment.RepoRoot, "infra/demo/template.sql")));
        try
        {
            using var host = await StartSiloAsync(env, stateDatabase, stamp);
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var transitions = host.Services.GetRequiredService<TaskTransitions>();
            var engine = host.Services.GetRequiredService<Grader.Sandbox.Docker.DockerEngine>();
            await grains.GetGrain<IAssignmentGrain>("bench").SetAsync(Assignment(template));

            Console.WriteLine($"Grading {runs} tasks one at a time ({Scenarios} scenarios, isolated database), after one warm-up...");
            await GradeAsync(grains, transitions, image);
            var tasks = new List<TaskView>();
            for (var i = 0; i < runs; i++)
            {
                tasks.Add(await GradeAsync(grains, transitions, image));
            }

            Console.WriteLine($"Measuring the engine floor {runs} times...");
            var imageId = (await engine.Client.Images.InspectImageAsync(image)).ID;
            var floor = new List<double>();
            var appReady = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var (bare, ready) = await FloorAsync(engine, imageId, env["Docker__StudentNetwork"], i);
                floor.Add(bare);
                appReady.Add(ready);
            }

            var endToEnd = tasks.Select(t => (t.FinishedAt!.Value - t.CreatedAt).TotalMilliseconds).ToList();
            var requests = tasks.Select(t => t.Steps.Sum(s => s.DurationMs)).ToList();
            var appStart = Median(appReady);
            var overhead = endToEnd.Zip(requests, (e, r) => e - r - appStart).ToList();
            Console.WriteLine();
            Console.WriteLine($"{"per task (ms)",-44} {"median",8} {"p90",8} {"min",8}");
            Row("end to end (submit -> verdict, cleanup done)", endToEnd);
            Row("  the app's requests (5 scenarios)", requests);
            Row("  the app's own start (engine start -> port open)", appReady);
            Row("grader overhead (end to end - requests - start)", overhead);
            Row("floor: bare create + start + remove", floor);
            Console.WriteLine();
            Console.WriteLine("where the time goes (from the task's own phase events):");
            foreach (var (name, from, to) in Stages)
            {
                Row("  " + name, tasks.Select(t => (At(t, to) - At(t, from)).TotalMilliseconds).ToList());
            }

            Console.WriteLine();
            Console.WriteLine($"Overhead above the bare engine floor: {Median(overhead) - Median(floor):0} ms (median). Target: under 1000 ms.");
            return 0;
        }
        finally
        {
            await ExecAsync(env, "postgres", $"DROP DATABASE IF EXISTS {stateDatabase} WITH (FORCE)");
            await ExecAsync(env, "postgres", $"DROP DATABASE IF EXISTS {template} WITH (FORCE)");
        }
    }

    private static readonly (string Name, string From, string To)[] Stages =
    [
        ("queue and claim", "submitted", "claimed"),
        ("claim to pull start", "claimed", "pulling"),
        ("pull check and database sandbox, overlapped", "pulling", "starting"),
        ("container create + start", "starting", "probing"),
        ("readiness probe (app start)", "probing", "testing"),
        ("scenarios", "testing", "last step"),
        ("logs, cleanup, verdict", "last step", "completed"),
    ];

    private static DateTimeOffset At(TaskView task, string phase) => phase switch
    {
        "submitted" => task.CreatedAt,
        "last step" => task.Steps.Max(s => s.ReportedAt),
        _ => task.Phases.Last(p => p.Phase == phase).At,
    };

    internal static async Task<TaskView> GradeAsync(IGrainFactory grains, TaskTransitions transitions, string image)
    {
        var id = Guid.NewGuid();
        var done = transitions.WaitForAsync(id, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(2));
        await grains.GetGrain<ITaskGrain>(id).SubmitAsync(new TaskSpec("bench", "bench", image, false));
        var task = await done;
        return task.Status == GradingStatus.Completed && task.Steps.All(s => s.Outcome == StepOutcome.Passed)
            ? task
            : throw new InvalidOperationException($"A benchmark task did not pass: {task.Status} {task.Message}");
    }

    /// <summary>What any runner must pay: create, start and remove a container of the same image, plus
    /// how long the app itself takes to open its port (polled every 2 ms, so it is the app's time).</summary>
    private static async Task<(double Bare, double AppReady)> FloorAsync(Grader.Sandbox.Docker.DockerEngine engine, string imageId, string network, int i)
    {
        var clock = Stopwatch.StartNew();
        var created = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = imageId,
            Name = $"grader-bench-floor-{Environment.ProcessId}-{i}",
            // The app wants these to start; it connects only when a request needs the database.
            Env = ["DATABASE_HOST=127.0.0.1", "DATABASE_NAME=none", "DATABASE_USER=none", "DATABASE_PASSWORD=none", "NAME=Arthur"],
            HostConfig = new HostConfig { NetworkMode = network },
        });
        await engine.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        var started = clock.Elapsed;
        var ip = (await engine.Client.Containers.InspectContainerAsync(created.ID)).NetworkSettings.Networks[network].IPAddress;
        var ready = Stopwatch.StartNew();
        while (!await PortOpenAsync(ip, 8000))
        {
            if (ready.Elapsed > TimeSpan.FromSeconds(30))
            {
                await engine.Client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true });
                throw new InvalidOperationException("The floor container never opened its port.");
            }

            await Task.Delay(2);
        }

        var appReady = ready.Elapsed.TotalMilliseconds;
        var removing = Stopwatch.StartNew();
        await engine.Client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true });
        return ((started + removing.Elapsed).TotalMilliseconds, appReady);
    }

    internal static async Task<bool> PortOpenAsync(string ip, int port)
    {
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(ip, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    internal static AssignmentDefinition Assignment(string template) => new("bench", "Benchmark", DatabaseMode.Isolated, template, ["public"],
        new Dictionary<string, string> { ["NAME"] = "Arthur" }, 8000, null, 30, 10, new ResourceLimits(),
        Enumerable.Range(1, Scenarios).Select(i => new Scenario($"hello-{i}", $"Hello {i}", true, 0,
            [new ScenarioStep(new StepRequest("GET", "/v1/hello"), new StepExpectation([200], """{"greeting": "Hello, Arthur!"}"""))])).ToList());

    internal static async Task<IHost> StartSiloAsync(Dictionary<string, string> env, string database, string stamp, int slots = 1)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(StackEnvironment.SiloSettings(env, $"bench-{stamp}", database, 21311));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Docker:Slots"] = slots.ToString(CultureInfo.InvariantCulture),
            ["Docker:Registries:0:Server"] = env["GRADER_REGISTRY"],
            ["Docker:Registries:0:Username"] = env["GRADER_REGISTRY_USER"],
            ["Docker:Registries:0:Password"] = env["GRADER_REGISTRY_PASSWORD"],
            ["Images:AllowedRegistries:0"] = env["GRADER_REGISTRY"],
        });
        builder.AddGraderSilo();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    internal static Task ExecAsync(Dictionary<string, string> env, string database, string sql) => StackEnvironment.ExecAsync(env, database, sql);

    private static void Row(string name, List<double> values) =>
        Console.WriteLine($"{name,-44} {Median(values),8:0} {Percentile(values, 0.9),8:0} {values.Min(),8:0}");

    private static double Median(List<double> values) => Percentile(values, 0.5);

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Round(p * (sorted.Count - 1)))];
    }
}
