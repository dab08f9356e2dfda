using System.Diagnostics;
using System.Globalization;
using Grader.Assignments;
using Grader.Bench.Pipeline;
using Grader.Bench.Report;
using Grader.Runners;
using Grader.Silo.Hosting;
using Grader.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime;
using StackExchange.Redis;

namespace Grader.Bench.Scale;

/// <summary>The same batch on one host and on two hosts with separate engines (infra/engine.sh), fixed
/// slots, and an app whose requests wait on I/O; then a host killed mid-batch. Every figure is printed
/// next to a floor measured in the same run.</summary>
internal static class ScaleOutBenchmark
{
    private const int Slots = 2;
    private const int Scenarios = 5;
    // Long enough that the requests' wait, not the machine's two cores, sets the pace.
    private const int RequestDelayMs = 2500;

    // Submissions timed before the kill and after the death is declared; while the dead host is still
    // registered, as many as fit in that window.
    private const int ProbeSubmits = 20;

    /// <summary>Where the silos' output and the benchmark's own timeline go, one directory per run.</summary>
    private static readonly string LogDirectory = Directory.CreateDirectory(
        Path.Combine(Path.GetTempPath(), "grader-bench-scale-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture))).FullName;

    private static readonly TextWriter Timeline = TextWriter.Synchronized(new StreamWriter(Path.Combine(LogDirectory, "bench.log")) { AutoFlush = true });

    private static void Note(string what) =>
        Timeline.WriteLine($"{DateTime.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} {what}");

    /// <summary>The full run by hand: prints the tables and writes bench/results/scale.md.</summary>
    public static async Task<int> RunAsync(int batch, bool killOnly = false)
    {
        var plan = new ScalePlan(batch, RequestDelayMs, killOnly);
        var run = await MeasureAsync(plan);
        ScaleReport.Print(run);
        if (!killOnly)
        {
            var path = Path.Combine(Pipeline.StackEnvironment.RepoRoot, "bench", "results", "scale.md");
            await File.WriteAllTextAsync(path, ScaleReport.Markdown(run, LogDirectory));
            Console.WriteLine($"wrote {path}");
        }

        Console.WriteLine($"silo logs and the timeline: {LogDirectory}");
        return 0;
    }

    /// <summary>Every figure of acceptance 8 from one run, for the benchmark command that gathers all
    /// measures. Quick mode runs fewer, shorter tasks (under a minute); the ratios mean less then.</summary>
    public static async Task<IReadOnlyList<GoalResult>> GoalsAsync(bool quick) =>
        ScaleReport.Goals(await MeasureAsync(quick ? new ScalePlan(4, 800, false) : new ScalePlan(20, RequestDelayMs, false)));

    private static async Task<ScaleRun> MeasureAsync(ScalePlan plan)
    {
        var env = Pipeline.StackEnvironment.Read();
        var stamp = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        var template = $"grader_bench_scale_tpl_{stamp}";
        await ExecAsync(env, "postgres", $"CREATE DATABASE {template}");
        await ExecAsync(env, template, await File.ReadAllTextAsync(Path.Combine(Pipeline.StackEnvironment.RepoRoot, "infra/demo/template.sql")));
        Script("infra/engine.sh", "up", "1");
        try
        {
            Note($"{plan.Batch} tasks, {Slots} slots per host, {Scenarios} requests per task that each wait {plan.RequestDelayMs} ms");
            // One cluster of two hosts runs all three batches: the one-host batch with the second host
            // drained, the two-host batch, and the batch during which the second host is killed.
            var (one, two, killed) = await SessionAsync(env, template, $"s-{stamp}", plan, plan.KillOnly ? 0 : plan.Batch, Math.Max(plan.Batch / 2, 2 * Slots));
            return new ScaleRun(plan, Slots, Scenarios, one, two, killed);
        }
        finally
        {
            Script("infra/engine.sh", "down", "1");
            await ExecAsync(env, "postgres", $"DROP DATABASE IF EXISTS {template} WITH (FORCE)");
        }
    }

    /// <summary>One cluster, a host on each engine: the timed batch on the first host alone (the second
    /// drained) and on both (neither when <paramref name="batch"/> is 0), then a batch during which the
    /// second host is killed.</summary>
    private static async Task<(Result? OneHost, Result? TwoHosts, Result Killed)> SessionAsync(Dictionary<string, string> env, string template, string cluster,
        ScalePlan plan, int batch, int killBatch)
    {
        int[] engines = [0, 1];
        var database = $"grader_bench_{cluster.Replace('-', '_')}";
        await ExecAsync(env, "postgres", $"CREATE DATABASE {database}");
        var silos = engines.Select((e, i) => (Name: $"{cluster}-h{i}", Process: StartSilo(env, cluster, database, $"{cluster}-h{i}", e, 22000 + (i * 2)))).ToList();
        try
        {
            using var client = await ConnectAsync(env, cluster);
            var grains = client.Services.GetRequiredService<IClusterClient>();
            await WaitAsync(async () => (await grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(true)).Length == silos.Count, TimeSpan.FromMinutes(2));
            await grains.GetGrain<IAssignmentGrain>("scale").SetAsync(Assignment(template, plan.RequestDelayMs));
            // One task per host first, so every engine has pulled the image before the clock starts.
            await RunAllAsync(grains, env, silos.Count);

            Result? one = null, two = null;
            if (batch > 0)
            {
                var second = grains.GetGrain<IRunnerGrain>(silos[1].Name);
                await second.DrainAsync();
                await WaitAsync(async () => (await second.GetStatusAsync()).State == RunnerState.Drained, TimeSpan.FromMinutes(1));
                one = await TimedBatchAsync(grains, env, batch, hosts: 1);
                await second.ResumeAsync();
                two = await TimedBatchAsync(grains, env, batch, hosts: 2);
            }

            return (one, two, await KillDuringBatchAsync(grains, env, silos, killBatch));
        }
        finally
        {
            foreach (var (_, process) in silos)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                await process.WaitForExitAsync();
            }

            await ExecAsync(env, "postgres", $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
    }

    private static async Task<Result> TimedBatchAsync(IClusterClient grains, Dictionary<string, string> env, int batch, int hosts)
    {
        var clock = Stopwatch.StartNew();
        var views = await WaitDoneAsync(grains, await SubmitAsync(grains, env, batch));
        return new Result(clock.Elapsed.TotalSeconds, views.Sum(AppOwnSeconds) / (Slots * hosts));
    }

    /// <summary>A batch during which the second host is killed once both its slots are busy, with
    /// submissions timed before the kill, while the dead host is still registered, and after.</summary>
    private static async Task<Result> KillDuringBatchAsync(IClusterClient grains, Dictionary<string, string> env, List<(string Name, Process Process)> silos, int batch)
    {
        var clock = Stopwatch.StartNew();
        var ids = await SubmitAsync(grains, env, batch);
        var victim = silos[1];
        await WaitAsync(async () => (await ViewsAsync(grains, ids)).Count(v => v.Host == victim.Name && !v.Status.IsTerminal()) == Slots, TimeSpan.FromMinutes(2));
        var before = await ProbeSubmitsAsync(grains, env, () => false, ProbeSubmits);
        var killedAt = DateTimeOffset.UtcNow;
        victim.Process.Kill(entireProcessTree: true);
        Note($"killed {victim.Name}");
        // Each look is bounded: a call that went to the dead silo would otherwise wait out the response
        // timeout and make the death look later than membership declared it.
        var declared = WaitAsync(async () => !(await grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(true).WaitAsync(TimeSpan.FromSeconds(1)))
                .Any(h => h.SiloName == victim.Name), TimeSpan.FromMinutes(2))
            .ContinueWith(t => t.IsCompletedSuccessfully ? DateTimeOffset.UtcNow : throw t.Exception!, TaskScheduler.Default);
        var whileDead = await ProbeSubmitsAsync(grains, env, () => declared.IsCompleted, 1000, TimeSpan.FromMilliseconds(200));
        var deadAfter = (await declared - killedAt).TotalSeconds;
        Note($"{victim.Name} declared dead after {deadAfter:0.0} s");
        var after = await ProbeSubmitsAsync(grains, env, () => false, ProbeSubmits);
        var done = await WaitDoneAsync(grains, ids);
        var lost = done.Where(v => v.Phases.Any(p => p.Phase == "claimed" && p.Detail == victim.Name)).ToList();
        var requeue = lost.Max(v => (v.Phases.First(p => p.Phase == "requeued").At - killedAt).TotalSeconds);
        var finished = lost.Max(v => (v.FinishedAt!.Value - killedAt).TotalSeconds);
        // What was left at the kill, run by the surviving slots alone, after the death was declared.
        var left = done.Where(v => v.FinishedAt > killedAt).Sum(AppOwnSeconds) / (Slots * (silos.Count - 1));
        return new Result(clock.Elapsed.TotalSeconds, 0, requeue, deadAfter, finished, left, before, whileDead, after);
    }

    /// <summary>Submits one task at a time until <paramref name="stop"/> says so or <paramref name="max"/> were
    /// timed, each cancelled at once so the batch's work stays the same. With a <paramref name="pace"/>, a
    /// new one starts at that pace without waiting for the last, so a slow one does not hide the window
    /// from the others.</summary>
    private static async Task<Probe> ProbeSubmitsAsync(IClusterClient grains, Dictionary<string, string> env, Func<bool> stop, int max, TimeSpan? pace = null)
    {
        var spec = new TaskSpec("bench-probe", "scale", $"{env["GRADER_REGISTRY"]}/students/app:slow-requests", false);
        var probes = new List<Task<(double Millis, int Tries)>>();
        while (probes.Count < max && !stop())
        {
            var probe = ProbeOneAsync(grains.GetGrain<ITaskGrain>(Guid.NewGuid()), spec);
            probes.Add(probe);
            await (pace is { } wait ? Task.Delay(wait) : probe);
        }

        var results = await Task.WhenAll(probes);
        return new Probe([.. results.Select(r => r.Millis)], results.Count(r => r.Tries > 1));
    }

    /// <summary>A call that failed is sent again with the same id (submitting is idempotent), as the web
    /// tier does, and timed from the first try.</summary>
    private static async Task<(double Millis, int Tries)> ProbeOneAsync(ITaskGrain task, TaskSpec spec)
    {
        var clock = Stopwatch.StartNew();
        var tries = 0;
        await WaitAsync(async () =>
        {
            tries++;
            try
            {
                await task.SubmitAsync(spec);
            }
            catch (Exception e)
            {
                Note($"submit {task.GetPrimaryKey()} try {tries} failed after {clock.Elapsed.TotalMilliseconds:0} ms: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                throw;
            }

            return true;
        }, TimeSpan.FromMinutes(1));
        var millis = clock.Elapsed.TotalMilliseconds;
        Note($"submit {task.GetPrimaryKey()} accepted in {millis:0} ms after {tries} tries");
        await WaitAsync(async () => await task.CancelAsync("bench") is not null, TimeSpan.FromMinutes(1));
        return (millis, tries);
    }

    internal static double Percentile(IReadOnlyList<double> samples, double p)
    {
        if (samples.Count == 0)
        {
            return double.NaN;
        }

        var sorted = samples.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    private static async Task RunAllAsync(IClusterClient grains, Dictionary<string, string> env, int count) =>
        await WaitDoneAsync(grains, await SubmitAsync(grains, env, count));

    private static async Task<List<Guid>> SubmitAsync(IClusterClient grains, Dictionary<string, string> env, int count)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToList();
        var image = $"{env["GRADER_REGISTRY"]}/students/app:slow-requests";
        await Task.WhenAll(ids.Select((id, i) => grains.GetGrain<ITaskGrain>(id).SubmitAsync(new TaskSpec($"bench-{i % 8}", "scale", image, false))));
        return ids;
    }

    private static async Task<List<TaskView>> WaitDoneAsync(IClusterClient grains, List<Guid> ids)
    {
        List<TaskView> views = [];
        await WaitAsync(async () => (views = await ViewsAsync(grains, ids)).All(v => v.Status.IsTerminal()), TimeSpan.FromMinutes(10));
        return views.All(v => v.Status == GradingStatus.Completed && v.Score == v.MaxScore)
            ? views
            : throw new InvalidOperationException("A benchmark task did not pass: " + string.Join("; ", views.Where(v => v.Status != GradingStatus.Completed).Select(v => v.Message)));
    }

    private static async Task<List<TaskView>> ViewsAsync(IClusterClient grains, List<Guid> ids) =>
        [.. await Task.WhenAll(ids.Select(async id => (await grains.GetGrain<ITaskGrain>(id).GetAsync())!))];

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan limit)
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
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The benchmark's cluster did not get there in time.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The app's start and requests: from the container's start to the last step's report.</summary>
    private static double AppOwnSeconds(TaskView v) =>
        (v.Steps.Max(s => s.ReportedAt) - v.Phases.Last(p => p.Phase == "probing").At).TotalSeconds;

    private static AssignmentDefinition Assignment(string template, int requestDelayMs) => new("scale", "Scale-out", DatabaseMode.Isolated, template, ["public"],
        new Dictionary<string, string> { ["NAME"] = "Arthur", ["REQUEST_DELAY_MS"] = requestDelayMs.ToString(CultureInfo.InvariantCulture) }, 8000, null, 30, 10, new ResourceLimits(),
        Enumerable.Range(1, Scenarios).Select(i => new Scenario($"hello-{i}", $"Hello {i}", true, 1,
            [new ScenarioStep(new StepRequest("GET", "/v1/hello"), new StepExpectation([200], """{"greeting": "Hello, Arthur!"}"""))])).ToList());

    private static Process StartSilo(Dictionary<string, string> env, string cluster, string database, string name, int engine, int port)
    {
        var directory = Path.Combine(Pipeline.StackEnvironment.RepoRoot, "Silo", "bin", "Release", "net10.0");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        start.ArgumentList.Add(Path.Combine(directory, "Grader.Silo.dll"));
        var settings = new Dictionary<string, string>
        {
            ["Cluster__ClusterId"] = cluster,
            ["Cluster__ServiceId"] = cluster,
            ["Cluster__SiloName"] = name,
            ["Cluster__SiloPort"] = port.ToString(CultureInfo.InvariantCulture),
            ["Cluster__GatewayPort"] = (port + 1).ToString(CultureInfo.InvariantCulture),
            ["Database__Name"] = database,
            ["Docker__Slots"] = Slots.ToString(CultureInfo.InvariantCulture),
            ["Docker__Registries__0__Server"] = env["GRADER_REGISTRY"],
            ["Docker__Registries__0__Username"] = env["GRADER_REGISTRY_USER"],
            ["Docker__Registries__0__Password"] = env["GRADER_REGISTRY_PASSWORD"],
            // The benchmark's images come from the stack's own registry, which must pass the allow-list.
            ["Images__AllowedRegistries__0"] = env["GRADER_REGISTRY"],
            ["Tasks__WatchdogPeriod"] = "00:00:05",
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Orleans"] = "Information",
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
            ["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true",
        };
        foreach (var key in new[] { "Redis__Configuration", "Database__Host", "Database__Port", "Database__Username", "Database__Password", "Database__StudentHost", "Docker__Endpoint", "Docker__StudentNetwork" })
        {
            settings.TryAdd(key, env[key]);
        }

        if (engine > 0)
        {
            foreach (var line in Script("infra/engine.sh", "env", engine.ToString(CultureInfo.InvariantCulture)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var pair = line["export ".Length..].Split('=', 2);
                settings[pair[0]] = pair[1];
            }
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        // Kept for the post-mortem of a slow figure: the silo's own account of the same seconds.
        var log = TextWriter.Synchronized(new StreamWriter(Path.Combine(LogDirectory, $"{name}.log")) { AutoFlush = true });
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.WriteLine(e.Data); };
        process.Exited += (_, _) => log.Flush();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<IHost> ConnectAsync(Dictionary<string, string> env, string cluster)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.UseOrleansClient(c =>
            {
                c.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster, cluster));
                c.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(env["Redis__Configuration"]));
                // As the web tier's client in cluster mode (AddGraderClient).
                c.FailCallsOnGatewayLoss();
            });
            var host = builder.Build();
            try
            {
                await host.StartAsync();
                return host;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                host.Dispose();
                await Task.Delay(500);
            }
        }
    }

    private static string Script(string path, params string[] args) => Grader.Testing.StackScripts.RunScript(path, args);

    private static Task ExecAsync(Dictionary<string, string> env, string database, string sql) => StackEnvironment.ExecAsync(env, database, sql);
}
