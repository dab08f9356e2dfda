using Grader.Runners;

namespace Grader.IntegrationTests.Failover;

/// <summary>Hosts come and go while a batch runs, each silo on its own Docker engine: a killed host
/// costs only its own attempts, a stopped host drains or hands back, a drained host takes nothing new.</summary>
public sealed class HostLifecycleTests : IClassFixture<HostLifecycleTests.EngineFixture>
{
    private static readonly TimeSpan BatchLimit = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task KillingAHostRequeuesOnlyItsOwnAttemptsWithinSecondsAndKillingAnIdleHostTouchesNothing()
    {
        var (survivorA, survivorB, victim, idle) = ($"keep-a-{LocalStack.RunId}", $"keep-b-{LocalStack.RunId}", $"victim-{LocalStack.RunId}", $"idle-{LocalStack.RunId}");
        await using var run = new ClusterRun("collateral");
        await run.StartAsync(new Dictionary<string, int> { [survivorA] = 0, [survivorB] = 1, [victim] = 2, [idle] = 0 }, startDelaySeconds: 3);
        // Drained, so it runs nothing when it dies.
        Assert.Equal(RunnerState.Drained, (await run.Grains.GetGrain<IRunnerGrain>(idle).DrainAsync()).State);
        var ids = await run.SubmitAsync(30);

        await run.WaitUntilAsync(async () => await run.RunningOnAsync(ids, survivorA) > 0 && await run.RunningOnAsync(ids, survivorB) > 0, BatchLimit);
        run[idle].Kill();
        await run.WaitUntilAsync(() => run.IsDeclaredDeadAsync(idle), TimeSpan.FromSeconds(60));
        // The idle host held task grains too: a read may fail until they are active elsewhere.
        List<TaskView> afterIdle = [];
        await run.WaitUntilAsync(async () => (afterIdle = await run.ViewsAsync(ids)).Count == ids.Count, TimeSpan.FromSeconds(60));
        Assert.DoesNotContain(afterIdle, v => v.Phases.Any(p => p.Phase == "requeued"));

        await run.WaitUntilAsync(async () => await run.RunningOnAsync(ids, victim) > 0, BatchLimit);
        var killedAt = DateTimeOffset.UtcNow;
        run[victim].Kill();
        // SIGKILL has landed: nothing finishes on the victim after this.
        var deadAt = DateTimeOffset.UtcNow;
        var views = await run.WaitAllTerminalAsync(ids, BatchLimit);

        foreach (var view in views)
        {
            Assert.Equal(GradingStatus.Completed, view.Status);
            Assert.Equal(view.MaxScore, view.Score);
            Assert.Single(view.Phases, p => p.Phase == "completed");
            var hosts = ClusterRun.HostsByAttempt(view);
            var story = run.Story(view);
            Assert.True(view.Attempt == hosts.Count, story);
            // A task grain on a killed silo lost the phases it had not stored; the finish brings them back.
            Assert.True(view.Phases.Where(p => p.Attempt == view.Attempt).Select(p => p.Phase).Distinct()
                .SequenceEqual(["claimed", "pulling", "database", "starting", "probing", "testing", "completed"]), $"the last attempt's timeline has gaps; {story}");
            // Every attempt but the last ran on the killed host; no task that ran on a survivor changed attempt.
            Assert.True(hosts.Where(h => h.Key != view.Attempt).All(h => h.Value == victim), $"a survivor's attempt was requeued; {story}");
            if (view.Host == victim)
            {
                // It finished there, in its first attempt, before the kill: that is no collateral.
                Assert.True(view.Attempt == 1 && view.FinishedAt < deadAt, $"finished on the killed host after the kill; {story}");
            }

            foreach (var requeue in view.Phases.Where(p => p.Phase == "requeued"))
            {
                Assert.True(requeue.At - killedAt < TimeSpan.FromSeconds(15), $"task {view.Id} requeued {(requeue.At - killedAt).TotalSeconds:0.0} s after the kill");
            }
        }

        Assert.Contains(views, v => v.Attempt == 2);
        // The dead host's roles and databases went with its membership; its containers wait for its engine.
        await run.WaitUntilAsync(async () => await ClusterRun.SandboxCountAsync(victim) == 0, TimeSpan.FromSeconds(30));
        Assert.Equal(0, await ClusterRun.SandboxCountAsync(survivorA) + await ClusterRun.SandboxCountAsync(survivorB));
    }

    [Fact]
    public async Task AStoppedHostFinishesOrHandsBackItsJobsAndLeavesNothingBehind()
    {
        var (keep, stopped) = ($"stay-{LocalStack.RunId}", $"stop-{LocalStack.RunId}");
        await using var run = new ClusterRun("graceful");
        // The apps take 8 s to start, longer than the 2 s drain: whatever runs on the stopped host is handed back.
        await run.StartAsync(new Dictionary<string, int> { [keep] = 0, [stopped] = 1 }, startDelaySeconds: 8,
            new Dictionary<string, string?> { ["Docker:DrainTimeout"] = "00:00:02" });
        var ids = await run.SubmitAsync(8);
        await run.WaitUntilAsync(async () => await run.RunningOnAsync(ids, stopped) == 2, BatchLimit);

        var stoppedAt = DateTimeOffset.UtcNow;
        run[stopped].Terminate();
        Assert.True(await run[stopped].WaitForExitAsync(TimeSpan.FromSeconds(40)), "the stopped silo did not exit");
        var exitedAfter = DateTimeOffset.UtcNow - stoppedAt;
        var views = await run.WaitAllTerminalAsync(ids, BatchLimit);

        Assert.All(views, v => Assert.True(v.Status == GradingStatus.Completed && v.Score == v.MaxScore, run.Story(v)));
        var handedBack = views.Where(v => ClusterRun.HostsByAttempt(v).GetValueOrDefault(1) == stopped && v.Attempt == 2).ToList();
        Assert.NotEmpty(handedBack);
        foreach (var requeue in handedBack.SelectMany(v => v.Phases.Where(p => p.Phase == "requeued")))
        {
            // At once after the drain timeout, not at the watchdog's next tick.
            Assert.True(requeue.At - stoppedAt < TimeSpan.FromSeconds(8), $"handed back {(requeue.At - stoppedAt).TotalSeconds:0.0} s after SIGTERM");
            Assert.Contains("shut down", requeue.Detail, StringComparison.Ordinal);
        }

        Assert.True(exitedAfter < TimeSpan.FromSeconds(30), $"exit took {exitedAfter.TotalSeconds:0.0} s");
        Assert.Equal(0, await ClusterRun.ContainerCountAsync(stopped, engine: 1));
        Assert.Equal(0, await ClusterRun.SandboxCountAsync(stopped));
    }

    [Fact]
    public async Task ADrainingHostFinishesItsTasksAndTakesNoNewOnesUntilResumed()
    {
        var (other, drained) = ($"other-{LocalStack.RunId}", $"drained-{LocalStack.RunId}");
        await using var run = new ClusterRun("drain");
        await run.StartAsync(new Dictionary<string, int> { [other] = 0, [drained] = 1 }, startDelaySeconds: 3);
        var first = await run.SubmitAsync(4);
        var runner = run.Grains.GetGrain<IRunnerGrain>(drained);
        // The host's own job table, not the task's view: a task shows the host from its claim on, a moment
        // before the host has the job running.
        await run.WaitUntilAsync(async () => (await runner.GetStatusAsync()).Running.Any(j => first.Contains(j.TaskId)), BatchLimit);

        var status = await runner.DrainAsync();
        var drainedAt = DateTimeOffset.UtcNow;
        var runningThen = status.Running.Select(j => j.TaskId).ToHashSet();
        Assert.Equal(RunnerState.Draining, status.State);
        Assert.NotEmpty(runningThen);
        var second = await run.SubmitAsync(6);
        var views = await run.WaitAllTerminalAsync([.. first, .. second], BatchLimit);

        Assert.All(views, v => Assert.Equal(GradingStatus.Completed, v.Status));
        // What ran there finished there, in its first attempt; nothing was claimed there after the drain.
        Assert.All(views.Where(v => runningThen.Contains(v.Id)), v => Assert.Equal((1, drained), (v.Attempt, v.Host!)));
        Assert.DoesNotContain(views.SelectMany(v => v.Phases), p => p.Phase == "claimed" && p.Detail == drained && p.At > drainedAt);
        Assert.Equal(RunnerState.Drained, (await runner.GetStatusAsync()).State);

        // Resumed, with the other host drained: the work comes to it again.
        await run.Grains.GetGrain<IRunnerGrain>(other).DrainAsync();
        Assert.Equal(RunnerState.Active, (await runner.ResumeAsync()).State);
        var third = await run.WaitAllTerminalAsync(await run.SubmitAsync(3), BatchLimit);
        Assert.All(third, v => Assert.Equal((GradingStatus.Completed, drained), (v.Status, v.Host!)));
    }

    [Fact]
    public async Task AHostWhoseEngineStopsAnsweringHandsItsAttemptsBackAndTidiesUpWhenItReturns()
    {
        var (keep, sick) = ($"healthy-{LocalStack.RunId}", $"sick-{LocalStack.RunId}");
        await using var run = new ClusterRun("engine-lost");
        await run.StartAsync(new Dictionary<string, int> { [keep] = 0, [sick] = 1 }, startDelaySeconds: 8);
        var ids = await run.SubmitAsync(4);
        await run.WaitUntilAsync(async () => await run.RunningOnAsync(ids, sick) == 2, BatchLimit);

        var runner = run.Grains.GetGrain<IRunnerGrain>(sick);
        var dockerd = Engines.DaemonPid(1);
        Signal("STOP", dockerd);
        List<TaskView> views;
        try
        {
            await run.WaitUntilAsync(async () => (await runner.GetStatusAsync()).State == RunnerState.Unhealthy, TimeSpan.FromSeconds(60));
            views = await run.WaitAllTerminalAsync(ids, BatchLimit);
        }
        finally
        {
            Signal("CONT", dockerd);
        }

        Assert.All(views, v => Assert.Equal((GradingStatus.Completed, keep), (v.Status, v.Host!)));
        Assert.All(views, v => Assert.Equal(v.MaxScore, v.Score));
        var handedBack = views.Where(v => ClusterRun.HostsByAttempt(v).GetValueOrDefault(1) == sick).ToList();
        Assert.Equal(2, handedBack.Count);
        Assert.All(handedBack, v => Assert.Contains(v.Phases, p => p.Phase == "requeued" && p.Detail!.Contains("engine", StringComparison.Ordinal)));

        // The engine answers again: the host removes the containers it could not remove, and takes work.
        await run.WaitUntilAsync(async () => (await runner.GetStatusAsync()).State == RunnerState.Active, TimeSpan.FromSeconds(60));
        await run.WaitUntilAsync(async () => await ClusterRun.ContainerCountAsync(sick, engine: 1) == 0, TimeSpan.FromSeconds(30));
        Assert.Equal(0, await ClusterRun.SandboxCountAsync(sick));
    }

    [Fact]
    public async Task AnEngineRestartUnderRunningAppsIsReRunNotScored()
    {
        var (keep, restarted) = ($"steady-{LocalStack.RunId}", $"restarted-{LocalStack.RunId}");
        await using var run = new ClusterRun("engine-restart");
        await run.StartAsync(new Dictionary<string, int> { [keep] = 0, [restarted] = 1 }, startDelaySeconds: 8);
        var ids = await run.SubmitAsync(4);
        await run.WaitUntilAsync(async () => (await run.ViewsAsync(ids)).Count(v => v.Host == restarted && v.Phases.Any(p => p.Attempt == v.Attempt && p.Phase == "probing")) == 2, BatchLimit);

        // A stopping dockerd kills its containers under the apps; it is back before any verdict is reached.
        var dockerd = Engines.DaemonPid(1);
        Signal("TERM", dockerd);
        await run.WaitUntilAsync(() => Task.FromResult(!Directory.Exists($"/proc/{dockerd}")), TimeSpan.FromSeconds(60));
        Engines.Restart(1);
        var views = await run.WaitAllTerminalAsync(ids, BatchLimit);

        Assert.All(views, v => Assert.True((GradingStatus.Completed, v.MaxScore) == (v.Status, v.Score), run.Story(v)));
        var rerun = views.Where(v => ClusterRun.HostsByAttempt(v).GetValueOrDefault(1) == restarted).ToList();
        Assert.Equal(2, rerun.Count);
        foreach (var view in rerun)
        {
            var requeued = Assert.Single(view.Phases, p => p.Phase == "requeued" && p.Attempt == 1);
            Assert.True(requeued.Detail == "re-run: the grading host's engine restarted", run.Story(view));
            Assert.Contains("container engine stopped or restarted", requeued.StaffDetail, StringComparison.Ordinal);
            // Nothing of attempt 1 was scored: the verdict is attempt 2's alone.
            Assert.Single(view.Phases, p => p.Phase == "completed");
            Assert.All(view.Steps, s => Assert.Equal(view.Attempt, s.Attempt));
        }
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Engines 1 and 2 for the test hosts; stopped afterwards (their images stay cached).</summary>
    public sealed class EngineFixture : IDisposable
    {
        public EngineFixture() => LocalStack.RunScript("infra/images/build.sh");

        public void Dispose() => Engines.StopAll();
    }
}
