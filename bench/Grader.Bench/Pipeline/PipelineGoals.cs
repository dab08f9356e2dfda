using System.Diagnostics;
using System.Globalization;
using Grader.Assignments;
using Grader.Bench.Report;
using Grader.Runners;
using Grader.Tasks;
using Microsoft.Extensions.DependencyInjection;
using ContainerRemoveParameters = Docker.DotNet.Models.ContainerRemoveParameters;
using ContainerStartParameters = Docker.DotNet.Models.ContainerStartParameters;
using CreateContainerParameters = Docker.DotNet.Models.CreateContainerParameters;
using HostConfig = Docker.DotNet.Models.HostConfig;

namespace Grader.Bench.Pipeline;

/// <summary>The report's two pipeline rows. The floor is a bare loop doing the work a task needs, with
/// nothing of the grader in it: clone the template, create and start the container, probe its port, send
/// the five requests, remove the container, drop the clone. Both run on the same engine, image, template
/// and slots, in the same run: one at a time for the cost per task, then a batch at the slots' width.</summary>
internal static partial class PipelineBenchmark
{
    private const int Slots = 2;

    public static async Task<IReadOnlyList<GoalResult>> GoalsAsync(bool quick)
    {
        var (sequential, batch) = quick ? (2, 4) : (15, 20);
        var env = StackEnvironment.Read();
        var stamp = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        var stateDatabase = $"grader_bench_goal_{stamp}";
        var template = $"grader_bench_goal_tpl_{stamp}";
        var image = $"{env["GRADER_REGISTRY"]}/students/app:correct";
        await ExecAsync(env, "postgres", $"CREATE DATABASE {stateDatabase}");
        await ExecAsync(env, "postgres", $"CREATE DATABASE {template}");
        await ExecAsync(env, template, await File.ReadAllTextAsync(Path.Combine(StackEnvironment.RepoRoot, "infra/demo/template.sql")));
        try
        {
            using var host = await StartSiloAsync(env, stateDatabase, stamp, Slots);
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var transitions = host.Services.GetRequiredService<TaskTransitions>();
            var engine = host.Services.GetRequiredService<Grader.Sandbox.Docker.DockerEngine>();
            await grains.GetGrain<IAssignmentGrain>("bench").SetAsync(Assignment(template));
            await GradeAsync(grains, transitions, image);
            var imageId = (await engine.Client.Images.InspectImageAsync(image)).ID;
            var loop = new BareLoop(env, engine, imageId, template, stamp);
            await loop.RunAsync(-1);

            // Interleaved, so a change in the shared machine's load falls on both sides alike.
            var grader = new List<double>();
            var bare = new List<double>();
            for (var i = 0; i < sequential; i++)
            {
                var task = await GradeAsync(grains, transitions, image);
                grader.Add((task.FinishedAt!.Value - task.CreatedAt).TotalMilliseconds);
                bare.Add(await loop.RunAsync(i));
            }

            var clock = Stopwatch.StartNew();
            var cpu = CpuUse.Now();
            await Task.WhenAll(Enumerable.Range(0, batch).Select(_ => GradeAsync(grains, transitions, image)));
            var graderRate = batch / clock.Elapsed.TotalSeconds;
            var graderCpu = CpuUse.Now() - cpu;
            clock.Restart();
            cpu = CpuUse.Now();
            var next = sequential;
            await Task.WhenAll(Enumerable.Range(0, Slots).Select(_ => Task.Run(async () =>
            {
                while (Interlocked.Increment(ref next) <= sequential + batch)
                {
                    await loop.RunAsync(next);
                }
            })));
            var bareRate = batch / clock.Elapsed.TotalSeconds;
            var bareCpu = CpuUse.Now() - cpu;

            var (g, b) = (Median(grader), Median(bare));
            var overhead = g / b;
            var throughput = graderRate / bareRate;
            return
            [
                new GoalResult(IssueGoals.Overhead, "at most 1.05×", g, "ms", b, overhead <= 1.05,
                    Invariant($"{overhead:0.00}×: submit to verdict (cleanup done), median of {sequential} tasks one at a time ({Scenarios} requests, isolated database), vs the bare loop (clone, create, start, probe, requests, remove, drop), interleaved with them. {(overhead <= 1.05 ? "" : $"The grader's extra {g - b:0} ms per task is its queue, claim, state writes and reports; see `pipeline` for the per-phase split.")} (samples: grader ms, then bare ms)"),
                    [.. grader, .. bare]),
                new GoalResult(IssueGoals.Throughput, "at least 0.95×", graderRate, "tasks/s", bareRate, throughput >= 0.95,
                    Invariant($"{throughput:0.00}×: a batch of {batch} submitted at once to {Slots} slots, vs the bare loop on {Slots} workers. CPU per task, whole machine: {graderCpu.MachineMs / batch:0} ms grader vs {bareCpu.MachineMs / batch:0} ms bare, of which this process (the silo, in-process here): {graderCpu.ProcessMs / batch:0} ms vs {bareCpu.ProcessMs / batch:0} ms; the machine was busy {graderCpu.Busy(Environment.ProcessorCount):0%} vs {bareCpu.Busy(Environment.ProcessorCount):0%} of its {Environment.ProcessorCount} cores.{(throughput >= 0.95 ? "" : " With every core busy, the rate is set by the CPU a task costs, and the grader's own share (grain calls, state writes, read model, judging, logs) comes on top of the engine's, the database's and the app's.")}"),
                    [graderRate, bareRate]),
            ];
        }
        finally
        {
            await ExecAsync(env, "postgres", $"DROP DATABASE IF EXISTS {stateDatabase} WITH (FORCE)");
            await ExecAsync(env, "postgres", $"DROP DATABASE IF EXISTS {template} WITH (FORCE)");
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>CPU time used so far: by the whole machine (all but idle and iowait in /proc/stat) and by this process.</summary>
    private readonly record struct CpuUse(double MachineMs, double ProcessMs, double WallMs)
    {
        public static CpuUse Now()
        {
            var (busyTicks, _) = MachineCpu.Read();
            return new CpuUse(busyTicks * MachineCpu.MsPerTick, Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds, Environment.TickCount64);
        }

        public static CpuUse operator -(CpuUse a, CpuUse b) => new(a.MachineMs - b.MachineMs, a.ProcessMs - b.ProcessMs, a.WallMs - b.WallMs);

        public double Busy(int cores) => MachineMs / (WallMs * cores);
    }

    /// <summary>One task's work done the plainest way, with Docker.DotNet and Npgsql directly.</summary>
    private sealed class BareLoop(Dictionary<string, string> env, Grader.Sandbox.Docker.DockerEngine engine, string imageId, string template, string stamp)
    {
        private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
        private readonly string _network = env["Docker__StudentNetwork"];

        public async Task<double> RunAsync(int i)
        {
            var clone = $"grader_bench_floor_{stamp}_{i + 1}";
            var clock = Stopwatch.StartNew();
            await ExecAsync(env, "postgres", $"CREATE DATABASE {clone} TEMPLATE {template}");
            var created = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Image = imageId,
                Name = $"grader-bench-floor-{Environment.ProcessId}-{stamp}-{i + 1}",
                Env = [$"DATABASE_HOST={env["Database__StudentHost"]}", $"DATABASE_PORT={env["Database__Port"]}", $"DATABASE_NAME={clone}",
                    "DATABASE_USER=none", "DATABASE_PASSWORD=none", "NAME=Arthur"],
                HostConfig = new HostConfig { NetworkMode = _network },
            });
            try
            {
                await engine.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
                var ip = (await engine.Client.Containers.InspectContainerAsync(created.ID)).NetworkSettings.Networks[_network].IPAddress;
                var ready = Stopwatch.StartNew();
                while (!await PortOpenAsync(ip, 8000))
                {
                    if (ready.Elapsed > TimeSpan.FromSeconds(30))
                    {
                        throw new InvalidOperationException("The floor container never opened its port.");
                    }

                    await Task.Delay(2);
                }

                for (var s = 0; s < Scenarios; s++)
                {
                    (await _http.GetAsync(new Uri($"http://{ip}:8000/v1/hello"))).EnsureSuccessStatusCode();
                }
            }
            finally
            {
                await engine.Client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true });
                await ExecAsync(env, "postgres", $"DROP DATABASE IF EXISTS {clone} WITH (FORCE)");
            }

            return clock.Elapsed.TotalMilliseconds;
        }
    }
}
