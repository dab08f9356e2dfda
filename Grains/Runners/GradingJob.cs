using Grader.Assignments;
using Grader.Sandbox;
using Grader.Sandbox.Diagnosis;
using Grader.Tasks;
using Grader.Telemetry;
using Microsoft.Extensions.Logging;

namespace Grader.Runners;

/// <summary>One attempt at one task, run in the background by a runner: pull, database, container,
/// readiness, scenarios, and cleanup that always runs. Progress goes to the task grain as it happens.</summary>
/// <param name="cleanupFailed">Told when a part of the cleanup failed, so the host sweeps again soon instead
/// of at its next reconcile.</param>
internal sealed partial class GradingJob(TaskAssignment work, string host, GradingServices services, ITaskRunnerCallbacks task, Action? cleanupFailed = null)
{
    private readonly ILogger _logger = services.Loggers.CreateLogger<GradingJob>();
    private readonly SandboxNames _names = SandboxNames.For(host, work.TaskId, work.Attempt);
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(20);
    private readonly CancellationTokenSource _stop = new();
    private volatile string? _handBackReason;
    private InfrastructureFault _handBackFault = InfrastructureFault.HostStopping;
    private readonly List<StepResult> _reported = [];
    private readonly List<PhaseEvent> _phases = [];

    public Guid TaskId => work.TaskId;

    public int Attempt => work.Attempt;

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>The engine stopped while this attempt ran (see <see cref="Sandbox.IEngineWatch"/>).</summary>
    public bool EngineInterrupted { get; private set; }

    /// <summary>Stops the job; cleanup still runs.</summary>
    public void Cancel() => _stop.Cancel();

    /// <summary>Stops the job because of this host, not the student: the attempt is reported as ours, so
    /// the task goes back in line at once and is never charged.</summary>
    public void HandBack(string reason, InfrastructureFault fault = InfrastructureFault.HostStopping)
    {
        if (_handBackReason is null)
        {
            _handBackFault = fault;
            _handBackReason = reason;
        }

        _stop.Cancel();
    }

    public async Task RunAsync()
    {
        using var span = GraderTelemetry.TaskSpan(work.TaskId, "grading job")?.SetTag("grader.host", host).SetTag("grader.attempt", work.Attempt);
        AttemptReport report;
        string? imageId = null;
        string? containerId = null;
        var assignment = work.Assignment;
        using var watch = services.Governor.Watch(_names, assignment.DatabaseMode == DatabaseMode.Isolated);
        using var stopOrOverBudget = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, watch.Exceeded);
        var ct = stopOrOverBudget.Token;
        string? digest = null;
        var handedBack = false;
        IReadOnlyList<string> warnings = [];
        var databaseStartedAt = await services.Faults.ServerStartedAtAsync();
        using var engine = services.Engine.WatchEngine();
        try
        {
            var image = ImageReference.Parse(work.Spec.Image);
            await PhaseAsync("pulling", image.ToString());
            await PhaseAsync("database", assignment.DatabaseMode.ToString().ToLowerInvariant());
            // Independent of each other, so the registry check and the database clone overlap.
            var pull = PullAsync(image, ct);
            var sandbox = GraderTelemetry.Timed("database", host, () => services.Database.CreateAsync(_names, assignment, ct));
            await Task.WhenAll(pull, sandbox).ContinueWith(_ => { }, TaskScheduler.Default);
            var pulled = await pull;
            (imageId, digest, warnings) = (pulled.Id, pulled.Digest, pulled.Warnings);
            var login = await sandbox;

            await PhaseAsync("starting", null);
            var container = await GraderTelemetry.Timed("start", host, () => services.Engine.StartAsync(
                new ContainerSpec(_names, host, imageId, EnvironmentFor(assignment, login), assignment.Port, assignment.Limits), ct));
            containerId = container.Id;

            await PhaseAsync("probing", $"port {assignment.Port}{(assignment.HealthPath is null ? "" : ", " + assignment.HealthPath)}");
            var probe = await GraderTelemetry.Timed("probe", host, () => services.CreateProbe().WaitAsync(container.IpAddress, assignment.Port, assignment.HealthPath,
                TimeSpan.FromSeconds(assignment.StartupTimeoutSeconds),
                new DockerContainerWatch(services.Engine, container.Id, services.Options.LogLimitBytes), ct));
            if (probe.Readiness != Readiness.Ready)
            {
                report = await NotReadyReportAsync(container.Id, probe, digest, ct);
                report = report with { Message = WithWarnings(report.Message, warnings) };
            }
            else
            {
                await PhaseAsync("testing", $"ready after {probe.Elapsed.TotalMilliseconds:0} ms");
                await RunScenariosAsync(new Uri($"http://{container.IpAddress}:{assignment.Port}/"), assignment, login?.Database, ct);
                var outcome = await services.Engine.InspectAsync(container.Id, ct);
                report = new AttemptReport(AttemptEnd.Tested, WithWarnings(null, warnings), await LogsAsync(container.Id, ct),
                    outcome.ExitCode, outcome.OomKilled, digest);
            }
        }
        catch (ImageRefusedException e)
        {
            report = new AttemptReport(AttemptEnd.ImageRefused, e.Message, null, null, false, digest);
        }
        catch (ImageUnavailableException e)
        {
            report = new AttemptReport(AttemptEnd.ImageUnavailable, e.Message, null, null, false, null);
        }
        catch (FormatException e)
        {
            report = new AttemptReport(AttemptEnd.ImageUnavailable, e.Message, null, null, false, null);
        }
        catch (OperationCanceledException) when (watch.Violation is { } violation)
        {
            report = new AttemptReport(AttemptEnd.OverBudget, violation, null, null, false, digest);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && _handBackReason is { } reason)
        {
            report = new AttemptReport(AttemptEnd.InfrastructureError, reason, null, null, false, digest, _handBackFault, HandedBack: true);
            handedBack = true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            report = new AttemptReport(AttemptEnd.Cancelled, "Stopped by the runner.", null, null, false, digest);
        }
        catch (Exception e)
        {
            LogJobFailed(_logger, e, work.TaskId, work.Attempt, host);
            report = new AttemptReport(AttemptEnd.InfrastructureError, $"The grader failed on host '{host}': {e.GetType().Name}: {e.Message}", null, null, false, digest,
                AttemptFaults.Classify(e, services.Engine.IsEngineFailure));
        }
        finally
        {
            watch.Dispose();
            if (!handedBack)
            {
                await CleanupAsync(containerId, imageId);
            }
        }

        report = watch.Annotate(report);
        // Our database or engine restarting under the app is our fault, never the student's: such an attempt is rerun.
        EngineInterrupted = await engine.InterruptedAsync();
        report = await services.Faults.ReviewAsync(report, databaseStartedAt, assignment.DatabaseMode != DatabaseMode.None, EngineInterrupted);
        report = report with { Steps = _reported, Phases = _phases };
        try
        {
            await services.ReportRetry.ExecuteAsync(async token => await task.FinishAttemptAsync(work.Attempt, report).WaitAsync(token), CancellationToken.None);
        }
        finally
        {
            // A handed-back task goes back in line before this host tidies up, so another host can start it
            // while this one removes the old attempt's container and database (their names carry the attempt).
            if (handedBack)
            {
                await CleanupAsync(containerId, imageId);
            }
        }
    }

    private async Task<PulledImage> PullAsync(ImageReference image, CancellationToken ct)
    {
        using var timing = GraderTelemetry.Phase("pull", host);
        using var pullTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        pullTimeout.CancelAfter(services.Options.PullTimeout);
        return await services.Images.PullAsync(image, work.Assignment.Port, pullTimeout.Token);
    }

    /// <summary>The pre-flight's warnings go with whatever the attempt ended in.</summary>
    private static string? WithWarnings(string? message, IReadOnlyList<string> warnings) =>
        warnings.Count == 0 ? message : string.Join(" ", new[] { message }.Concat(warnings.Select(w => "Warning: " + w)).Where(m => m is not null));

    private async Task RunScenariosAsync(Uri baseAddress, AssignmentDefinition assignment, string? database, CancellationToken ct)
    {
        using var timing = GraderTelemetry.Phase("test", host);
        var executor = services.CreateExecutor(database, assignment.Port, _names, assignment.Schemas);
        var timeout = TimeSpan.FromSeconds(assignment.RequestTimeoutSeconds);
        foreach (var scenario in assignment.ScenariosFor(work.Spec.IncludePrivate))
        {
            await foreach (var step in executor.RunAsync(baseAddress, scenario, work.Attempt, timeout, ct))
            {
                var current = await services.ReportRetry.ExecuteAsync(async token => await task.ReportStepAsync(step).WaitAsync(token), ct);
                _reported.Add(step);
                if (!current)
                {
                    // Cancelled or taken over: stop spending the host's time on it.
                    _stop.Cancel();
                    ct.ThrowIfCancellationRequested();
                }
            }
        }
    }

    /// <summary>The verdict's first line names the cause from evidence (a fatal error in the output, the
    /// socket table, the exit code); the lines after it are the excerpt of the output that shows it.</summary>
    private async Task<AttemptReport> NotReadyReportAsync(string containerId, ProbeResult probe, string? digest, CancellationToken ct)
    {
        var outcome = await services.Engine.InspectAsync(containerId, ct);
        var logs = await LogsAsync(containerId, ct);
        // The fatal-log scan may end the wait on "exec format error" before the engine reports the exit.
        if ((probe.Readiness == Readiness.Exited || !outcome.Running || probe.Fatal is not null) && services.Engine.EntrypointRefusal(logs) is { } refusal)
        {
            return new AttemptReport(AttemptEnd.ImageRefused, refusal, logs, outcome.ExitCode, false, digest);
        }

        var port = work.Assignment.Port;
        var fatal = probe.Fatal ?? FatalLogScanner.Find(logs);
        string Evidence(string sentence) => fatal is null ? sentence : $"{fatal.Headline}\n{sentence} From its output:\n{fatal.Excerpt}";
        if (probe.Readiness == Readiness.Exited || !outcome.Running)
        {
            return new AttemptReport(AttemptEnd.Crashed,
                Evidence($"The app {ExitCodes.Describe(outcome.ExitCode, outcome.OomKilled)} before it answered on port {port}."),
                logs, outcome.ExitCode, outcome.OomKilled, digest);
        }

        var seconds = probe.Elapsed.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
        var message = probe.Readiness switch
        {
            Readiness.FatalError => Evidence($"The app printed a fatal error ({fatal!.Kind}) and never answered on port {port}; the grader stopped waiting after {seconds} s."),
            Readiness.ListensElsewhere => $"{probe.Detail} (seen after {seconds} s)",
            _ => Evidence($"The app did not become ready within {work.Assignment.StartupTimeoutSeconds} s ({probe.Detail}). Does it listen on 0.0.0.0:{port}?"),
        };
        return new AttemptReport(AttemptEnd.NotReady, message, logs, null, false, digest);
    }

    private async Task<string?> LogsAsync(string containerId, CancellationToken ct)
    {
        try
        {
            return await services.Engine.ReadLogsAsync(containerId, services.Options.LogLimitBytes, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return $"(logs unavailable: {e.Message})";
        }
    }

    private Task PhaseAsync(string phase, string? detail) =>
        services.ReportRetry.ExecuteAsync(async token =>
        {
            var at = DateTimeOffset.UtcNow;
            if (!await task.ReportPhaseAsync(work.Attempt, phase, detail).WaitAsync(token))
            {
                _stop.Cancel();
            }
            else if (!_phases.Exists(p => p.Phase == phase))
            {
                _phases.Add(new PhaseEvent(work.Attempt, phase, detail, at));
            }

            _stop.Token.ThrowIfCancellationRequested();
        }, CancellationToken.None).AsTask();

    private static Dictionary<string, string> EnvironmentFor(AssignmentDefinition assignment, DatabaseLogin? login)
    {
        var env = new Dictionary<string, string>(assignment.Environment);
        if (login is not null)
        {
            env["DATABASE_HOST"] = login.Host;
            env["DATABASE_PORT"] = login.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            env["DATABASE_NAME"] = login.Database;
            env["DATABASE_USER"] = login.Username;
            env["DATABASE_PASSWORD"] = login.Password;
        }

        return env;
    }

    /// <summary>Runs whatever happened before: each step on its own, not stopped by the job's cancellation
    /// but bounded (a hung engine must not keep the report from being sent), each failure logged (the
    /// reconciler removes what is left).</summary>
    private async Task CleanupAsync(string? containerId, string? imageId)
    {
        using var timing = GraderTelemetry.Phase("cleanup", host);
        using var bounded = new CancellationTokenSource(CleanupTimeout);
        var ct = bounded.Token;
        await Task.WhenAll(
            TryAsync("container", () => services.Engine.RemoveContainerAsync(containerId ?? _names.Name, ct)),
            TryAsync("database", () => services.Database.DropAsync(_names.Name, ct)));
        if (imageId is not null && services.Options.ImageCleanup == ImageCleanupPolicy.RemoveAfterTask)
        {
            await TryAsync("image", () => services.Engine.RemoveImageAsync(imageId, ct));
        }
    }

    private async Task TryAsync(string what, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e)
        {
            LogCleanupFailed(_logger, e, what, work.TaskId, work.Attempt, host);
            cleanupFailed?.Invoke();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Task {TaskId} attempt {Attempt} failed on {Host}")]
    private static partial void LogJobFailed(ILogger logger, Exception e, Guid taskId, int attempt, string host);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cleanup of {What} for task {TaskId} attempt {Attempt} on {Host} failed; the host sweeps again shortly")]
    private static partial void LogCleanupFailed(ILogger logger, Exception e, string what, Guid taskId, int attempt, string host);
}
