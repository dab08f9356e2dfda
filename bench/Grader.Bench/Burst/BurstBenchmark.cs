using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grader.Assignments;
using Grader.Bench.Pipeline;
using Grader.Bench.Report;
using Grader.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Grader.Bench.Burst;

/// <summary>A deadline night on the real stack: students' clients submit through the web tier's API all
/// at once, some of them watch their tasks' live streams, and every task is graded by a real runner with a
/// cheap, quick-answering app. Measured: accept latency and errors (floor: a single-row insert at the same
/// concurrency), that every task completes exactly once (grain state and read model after), the streams'
/// final-event delay, and the web and silo processes' memory as tasks complete.</summary>
internal static class BurstBenchmark
{
    private const string AssignmentId = "bench-burst";
    private const int Slots = 4;
    // Flat: total RSS grows by at most this much per 1,000 finished tasks over the run's second half.
    private const double FlatMbPer1000 = 10;

    // Silo, gateway and web ports in a row; another base lets two runs share the machine.
    private static int PortBase => int.Parse(Environment.GetEnvironmentVariable("GRADER_BENCH_BURST_PORT") ?? "23100", CultureInfo.InvariantCulture);

    private sealed record Plan(int Tasks, int Clients, int Streams, TimeSpan Deadline);

    private sealed record Accepted(Guid Id, int Client, double Ms, double BeforeGrainMs);

    public static async Task<IReadOnlyList<GoalResult>> GoalsAsync(bool quick)
    {
        var plan = Sized(quick ? new Plan(24, 12, 12, TimeSpan.FromSeconds(45)) : new Plan(10_000, 500, 2_000, TimeSpan.FromMinutes(180)));
        var env = StackEnvironment.Read();
        var stamp = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        var database = $"grader_bench_burst_{stamp}";
        var template = $"grader_bench_burst_ref_{stamp}";
        await PipelineBenchmark.ExecAsync(env, "postgres", $"CREATE DATABASE {database}");
        await PipelineBenchmark.ExecAsync(env, "postgres", $"CREATE DATABASE {template}");
        await PipelineBenchmark.ExecAsync(env, template, await File.ReadAllTextAsync(Path.Combine(StackEnvironment.RepoRoot, "infra/demo/template.sql")));
        try
        {
            await using var grader = await GraderProcesses.StartAsync(env, $"bench-burst-{stamp}", database, Slots, PortBase);
            using var orleans = await ConnectAsync(env, $"bench-burst-{stamp}");
            var grains = orleans.Services.GetRequiredService<IClusterClient>();
            await grains.GetGrain<IAssignmentGrain>(AssignmentId).SetAsync(Assignment(template));
            var image = $"{env["GRADER_REGISTRY"]}/students/app:correct";
            await using var state = NpgsqlDataSource.Create(ConnectionString(env, database));
            var clients = await StudentsAsync(grader, plan.Clients);
            await WarmUpAsync(grains, clients[0], template, image);
            Console.WriteLine($"[burst] {plan.Tasks:N0} submissions from {plan.Clients} clients, {plan.Streams:N0} streams, {Slots} slots; deadline {plan.Deadline.TotalMinutes:0} min");

            await using var memory = new MemorySampler(grader.Web, grader.Silo, () => FinishedAsync(state));
            await memory.SampleAsync();
            var startMb = memory.Samples[0].TotalMb;
            memory.Start();
            using var deadline = new CancellationTokenSource(plan.Deadline);
            var accepted = new ConcurrentBag<Accepted>();
            var errors = new ConcurrentBag<string>();
            var streams = new ConcurrentBag<Task<StreamOutcome>>();
            var perClient = plan.Tasks / plan.Clients;
            // More streams than tasks: several streams watch one task, as when a student opens it in several tabs.
            var streamsPerClient = plan.Streams / plan.Clients;
            var streamsPerTask = Math.Max(1, (streamsPerClient + perClient - 1) / Math.Max(1, perClient));
            var clock = Stopwatch.StartNew();
            var cpu = CpuShare.Start(grader.Web, grader.Silo);
            await Task.WhenAll(clients.Select((client, c) => Task.Run(async () =>
            {
                for (var i = 0; i < perClient; i++)
                {
                    var sent = DateTimeOffset.UtcNow;
                    var timer = Stopwatch.StartNew();
                    try
                    {
                        using var response = await client.PostAsJsonAsync("/api/tasks", new { assignmentId = AssignmentId, image });
                        var ms = timer.Elapsed.TotalMilliseconds;
                        if (response.StatusCode != HttpStatusCode.Accepted)
                        {
                            errors.Add($"HTTP {(int)response.StatusCode}");
                            continue;
                        }

                        var task = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("task");
                        var id = task.GetProperty("id").GetGuid();
                        accepted.Add(new Accepted(id, c, ms, (task.GetProperty("createdAt").GetDateTimeOffset() - sent).TotalMilliseconds));
                        for (var k = i * streamsPerTask; k < Math.Min(streamsPerClient, (i + 1) * streamsPerTask); k++)
                        {
                            streams.Add(StreamWatcher.WatchAsync(client, id, deadline.Token));
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        errors.Add(e.GetType().Name);
                    }
                }
            })));
            var burstSeconds = clock.Elapsed.TotalSeconds;
            var cores = cpu.Stop().ToString();
            Console.WriteLine($"[burst] accepted {accepted.Count:N0} in {burstSeconds:0.0} s, {errors.Count} errors; waiting for the verdicts");
            var ids = accepted.Select(a => a.Id).ToList();
            var finished = await WaitFinishedAsync(state, ids.Count, deadline.Token);
            var outcomes = await Task.WhenAll(streams);
            await memory.SampleAsync();
            var check = await CheckOnceAsync(grains, state, ids);
            var floor = await InsertFloorAsync(env, database, plan.Tasks, plan.Clients);
            foreach (var client in clients)
            {
                client.Dispose();
            }

            return
            [
                BurstRow(plan, accepted.ToList(), errors.ToList(), floor, check, finished, burstSeconds, cores),
                StreamRow(plan, outcomes),
                MemoryRow(plan, memory.Samples, startMb),
            ];
        }
        finally
        {
            await PipelineBenchmark.ExecAsync(env, "postgres", $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
            await PipelineBenchmark.ExecAsync(env, "postgres", $"DROP DATABASE IF EXISTS {template} WITH (FORCE)");
        }
    }

    /// <summary>Environment overrides of the plan's counts, so one can check flatness over more tasks than
    /// quick mode has, or hold many streams open without submitting as many tasks.</summary>
    /// <summary>A deadline night meets processes that have served for hours: one submission (then cancelled)
    /// to an assignment the run does not count compiles the submit path of the web tier and the silo
    /// before the clock starts, instead of every client's first request waiting for the JIT together.</summary>
    private static async Task WarmUpAsync(IClusterClient grains, HttpClient client, string template, string image)
    {
        const string warmUp = AssignmentId + "-warm-up";
        await grains.GetGrain<IAssignmentGrain>(warmUp).SetAsync(Assignment(template) with { Id = warmUp });
        using var response = await client.PostAsJsonAsync("/api/tasks", new { assignmentId = warmUp, image });
        response.EnsureSuccessStatusCode();
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("task").GetProperty("id").GetGuid();
        using var cancel = await client.PostAsync($"/api/tasks/{id}/cancel", null);
        cancel.EnsureSuccessStatusCode();
    }

    private static Plan Sized(Plan plan)
    {
        static int? Read(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? int.Parse(v, CultureInfo.InvariantCulture) : null;
        var minutes = Environment.GetEnvironmentVariable("GRADER_BENCH_BURST_MINUTES") is { Length: > 0 } m
            ? TimeSpan.FromMinutes(double.Parse(m, CultureInfo.InvariantCulture)) : plan.Deadline;
        return new Plan(Read("GRADER_BENCH_BURST_TASKS") ?? plan.Tasks, Read("GRADER_BENCH_BURST_CLIENTS") ?? plan.Clients,
            Read("GRADER_BENCH_BURST_STREAMS") ?? plan.Streams, minutes);
    }

    private sealed record OnceCheck(int CompletedOnce, int Lost, int Retried, int NotPassed, string NotPassedWhy, int ReadModelRows, int ReadModelFinished);

    private static GoalResult BurstRow(Plan plan, List<Accepted> accepted, List<string> errors, List<double> floor, OnceCheck check, double finishSeconds, double burstSeconds,
        string cores)
    {
        var ms = accepted.Select(a => a.Ms).ToList();
        var p99 = Percentile(ms, 0.99);
        // Where the slowest go: the part before the task grain stamped the task (web tier, session, submission
        // door) against the part after (the grain's writes, the queue, the response), over the top 1%.
        var slow = accepted.Where(a => a.Ms >= p99).ToList();
        var before = slow.Count == 0 ? double.NaN : slow.Average(a => a.BeforeGrainMs);
        var lost = plan.Tasks - errors.Count - accepted.Count + check.Lost;
        // Every task starts a real container: the grading rate, not the door, decides when the last verdict lands.
        var rate = check.ReadModelFinished / (burstSeconds + finishSeconds);
        var met = errors.Count == 0 && lost == 0 && p99 < 100 && check.CompletedOnce == plan.Tasks;
        var note = Invariant($"{p99 / Percentile(floor, 0.99):0.0}× the floor. {plan.Tasks:N0} POST /api/tasks from {plan.Clients} signed-in students at once, {Slots} slots, app `correct`, one request per task, readonly database (no clone), after one warm-up submission. Accepted {accepted.Count:N0} in {burstSeconds:0.0} s ({accepted.Count / burstSeconds:0} a second; each client sends its next when its last is answered, so the mean wait is {plan.Clients} ÷ that rate = {plan.Clients * burstSeconds / Math.Max(1, accepted.Count) * 1000:0} ms, and even a mean under 100 ms needs {plan.Clients * 10:N0} accepts a second) (p50 {Percentile(ms, 0.5):0} ms, max {ms.DefaultIfEmpty().Max():0} ms), {errors.Count} errors{(errors.Count > 0 ? " (" + string.Join(", ", errors.GroupBy(e => e).Select(g => $"{g.Key} ×{g.Count()}")) + ")" : "")}, {lost} lost; completed exactly once: {check.CompletedOnce:N0} (attempt > 1: {check.Retried}, not passed: {check.NotPassed}{(check.NotPassed > 0 ? ": " + check.NotPassedWhy : "")}); read model rows {check.ReadModelRows:N0}, finished {check.ReadModelFinished:N0}; {check.ReadModelFinished:N0} of {accepted.Count:N0} had finished {finishSeconds:0} s after the burst ended{(check.ReadModelFinished < accepted.Count ? Invariant($" (the run's deadline; the rest count as not completed: at the {rate:0.00} tasks/s these {Slots} slots graded, all {plan.Tasks:N0} need about {plan.Tasks / rate / 60:0} min)") : "")}. Top 1% of accepts: {before:0} ms of {Mean(slow):0} ms went before the task grain stamped the task (web, session, submission door), the rest after it (task state, queue, response). While the accepts ran, {cores}. Floor: a single-row insert, {plan.Tasks:N0} from {plan.Clients} at once through a pool of {FloorPoolSize} connections, p99. (samples: accept ms)");
        return new GoalResult(IssueGoals.Burst, "0 errors, 0 lost, p99 accept under 100 ms; every task completes once", p99, "ms", Percentile(floor, 0.99), met, note, ms);
    }

    private static GoalResult StreamRow(Plan plan, StreamOutcome[] outcomes)
    {
        var delays = outcomes.Where(o => o.DelayMs is not null).Select(o => o.DelayMs!.Value).ToList();
        var lost = outcomes.Where(o => o.Lost is not null).ToList();
        var p99 = Percentile(delays, 0.99);
        var why = lost.GroupBy(o => o.Lost).Select(g => $"{g.Key} ×{g.Count()}");
        return new GoalResult(IssueGoals.Streams, "p99 event delay under 1 s, none lost", p99, "ms", null,
            outcomes.Length == plan.Streams && lost.Count == 0 && p99 < 1000,
            Invariant($"{outcomes.Length:N0} streams (GET /api/tasks/{{id}}/events), each opened right after its task was accepted during the burst; delay = final view seen by the client − the grain's finishedAt; p50 {Percentile(delays, 0.5):0} ms, max {delays.DefaultIfEmpty().Max():0} ms; lost {lost.Count}{(lost.Count > 0 ? " (" + string.Join(", ", why) + ")" : "")}. (samples: delay ms)"),
            delays);
    }

    private static GoalResult MemoryRow(Plan plan, IReadOnlyList<MemorySample> samples, double startMb)
    {
        var last = samples[^1];
        var slope = MemorySample.SlopePer1000(samples, plan.Tasks / 2);
        var met = last.TotalMb < 1024 && last.Finished >= plan.Tasks && slope <= FlatMbPer1000;
        return new GoalResult(IssueGoals.Memory, "under 1 GB together, flat in the last 5,000", last.TotalMb, "MB", startMb, met,
            Invariant($"After {last.Finished:N0} finished tasks: web {last.WebMb:0} MB + silo {last.SiloMb:0} MB (peak together {samples.Max(s => s.TotalMb):0} MB); floor: both processes just started. Flat means the least-squares slope of their total RSS against finished tasks, over the second half ({plan.Tasks / 2:N0}+ finished), is at most {FlatMbPer1000:0} MB per 1,000 tasks: it was {slope:0.0} MB per 1,000 (web {MemorySample.SlopePer1000(samples, plan.Tasks / 2, s => s.WebMb):0.0}, silo {MemorySample.SlopePer1000(samples, plan.Tasks / 2, s => s.SiloMb):0.0}). Sampled once a second ({samples.Count} samples: total MB)."),
            [.. samples.Select(s => s.TotalMb)]);
    }

    private static async Task<OnceCheck> CheckOnceAsync(IClusterClient grains, NpgsqlDataSource state, List<Guid> ids)
    {
        var views = new ConcurrentBag<TaskView?>();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (id, _) => views.Add(await grains.GetGrain<ITaskGrain>(id).GetAsync()));
        var known = views.Where(v => v is not null).Select(v => v!).ToList();
        await using var command = state.CreateCommand("SELECT count(*)::int, count(finished_at)::int FROM task_summary WHERE assignment_id = $1 AND task_id = ANY($2)");
        command.Parameters.Add(new NpgsqlParameter { Value = AssignmentId });
        command.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new OnceCheck(known.Count(v => v.Status == GradingStatus.Completed && v.Attempt == 1 && v.FinishedAt is not null),
            ids.Count - known.Count, known.Count(v => v.Attempt > 1), known.Count(v => v.Status != GradingStatus.Completed || v.Score != v.MaxScore),
            string.Join("; ", known.Where(v => v.Status != GradingStatus.Completed || v.Score != v.MaxScore).GroupBy(v => $"{v.Status} {v.Message}")
                .OrderByDescending(g => g.Count()).Take(3).Select(g => $"{g.Key} ×{g.Count()}")),
            reader.GetInt32(0), reader.GetInt32(1));
    }

    private static async Task<double> WaitFinishedAsync(NpgsqlDataSource state, int count, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var report = TimeSpan.FromSeconds(30);
        while (!ct.IsCancellationRequested && await FinishedAsync(state) < count)
        {
            if (clock.Elapsed > report)
            {
                Console.WriteLine($"[burst] {await FinishedAsync(state):N0} of {count:N0} finished after {clock.Elapsed.TotalSeconds:0} s");
                report += TimeSpan.FromSeconds(30);
            }

            await Task.Delay(500, CancellationToken.None);
        }

        return clock.Elapsed.TotalSeconds;
    }

    private static async Task<int> FinishedAsync(NpgsqlDataSource state)
    {
        await using var command = state.CreateCommand("SELECT count(*)::int FROM task_summary WHERE assignment_id = $1 AND finished_at IS NOT NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = AssignmentId });
        return (int)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Connections the floor may hold: Npgsql's default pool, which the grader's own processes use
    /// too. 500 clients on 500 connections would pass the server's max_connections while the grader still holds
    /// its own, and no web tier opens a connection per client.</summary>
    private const int FloorPoolSize = 100;

    /// <summary>The plainest durable accept: one row inserted per submission, as many at once as clients,
    /// through one pool.</summary>
    private static async Task<List<double>> InsertFloorAsync(Dictionary<string, string> env, string database, int count, int clients)
    {
        await using var state = NpgsqlDataSource.Create(ConnectionString(env, database, FloorPoolSize));
        await using (var create = state.CreateCommand("CREATE TABLE bench_floor (id uuid PRIMARY KEY, user_id text NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var ms = new ConcurrentBag<double>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = clients }, async (i, _) =>
        {
            var clock = Stopwatch.StartNew();
            await using var command = state.CreateCommand("INSERT INTO bench_floor (id, user_id) VALUES ($1, $2)");
            command.Parameters.Add(new NpgsqlParameter { Value = Guid.NewGuid() });
            command.Parameters.Add(new NpgsqlParameter { Value = $"student-{i % clients}" });
            await command.ExecuteNonQueryAsync();
            ms.Add(clock.Elapsed.TotalMilliseconds);
        });
        return [.. ms];
    }

    /// <summary>One local student account per client, made through the admin API and signed in.</summary>
    private static async Task<List<HttpClient>> StudentsAsync(GraderProcesses grader, int count)
    {
        using var admin = await grader.SignInAsync(GraderProcesses.Admin);
        var clients = new HttpClient[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var username = $"burst-{i:D3}";
            (await admin.PostAsJsonAsync("/api/admin/users", new { username, password = GraderProcesses.StudentPassword(username), role = "student" })).EnsureSuccessStatusCode();
            clients[i] = await grader.SignInAsync(username);
        });
        return [.. clients];
    }

    // Readonly: the app needs a database login to start, and a readonly login is the cheapest one (no clone).
    private static AssignmentDefinition Assignment(string template) => new(AssignmentId, "Burst", DatabaseMode.Readonly, template, ["public"],
        new Dictionary<string, string> { ["NAME"] = "Arthur" }, 8000, null, 30, 10, new ResourceLimits(),
        [new Scenario("hello", "Hello", true, 1, [new ScenarioStep(new StepRequest("GET", "/v1/hello"), new StepExpectation([200], """{"greeting": "Hello, Arthur!"}"""))])]);

    private static async Task<IHost> ConnectAsync(Dictionary<string, string> env, string cluster)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(c =>
        {
            c.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster, cluster));
            c.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(env["Redis__Configuration"]));
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static string ConnectionString(Dictionary<string, string> env, string database, int poolSize = 10)
    {
        var pooled = StackEnvironment.Database(env, database);
        (pooled.Pooling, pooled.MaxPoolSize) = (true, poolSize);
        return pooled.ConnectionString;
    }

    private static double Mean(List<Accepted> values) => values.Count == 0 ? double.NaN : values.Average(a => a.Ms);

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, Math.Round(p * (sorted.Count - 1)))];
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
