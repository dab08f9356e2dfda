using Grader.Assignments;
using Grader.Sandbox;
using Grader.Tasks;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Grader.Runners;

/// <summary>One attempt at one task, run in the background by a runner: pull, database, container,
/// readiness, scenarios, and cleanup that always runs. Progress goes to the task grain as it happens.</summary>
internal sealed partial class GradingJob(TaskAssignment work, string host, GradingServices services, ITaskRunnerCallbacks task)
{
    private static readonly ResiliencePipeline ReportRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
            MaxRetryAttempts = 4,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(200),
        })
        .Build();

    private readonly ILogger _logger = services.Loggers.CreateLogger<GradingJob>();
    private readonly SandboxNames _names = SandboxNames.For(host, work.TaskId, work.Attempt);
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _hostStopping;

    public Guid TaskId => work.TaskId;

    public int Attempt => work.Attempt;

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>Stops the job; cleanup still runs. When the host is stopping, the attempt is reported
    /// as our failure, so the task goes back in line instead of being cancelled.</summary>
    public void Cancel(bool hostStopping = false)
    {
        _hostStopping |= hostStopping;
        _stop.Cancel();
    }

    public async Task RunAsync()
    {
        AttemptReport report;
        string? imageId = null;
        string? containerId = null;
        var ct = _stop.Token;
        var assignment = work.Assignment;
        string? digest = null;
        var databaseStartedAt = await services.Faults.ServerStartedAtAsync();
        try
        {
            var image = ImageReference.Parse(work.Spec.Image);
            await PhaseAsync("pulling", image.ToString());
            await PhaseAsync("database", assignment.DatabaseMode.ToString().ToLowerInvariant());
            // Independent of each other, so the registry check and the database clone overlap.
            var pull = PullAsync(image, ct);
            var sandbox = services.Database.CreateAsync(_names, assignment, ct);
            await Task.WhenAll(pull, sandbox).ContinueWith(_ => { }, TaskScheduler.Default);
            (imageId, digest) = await pull;
            var login = await sandbox;

            await PhaseAsync("starting", null);
            var container = await services.Docker.StartAsync(
                new ContainerSpec(_names, host, imageId, EnvironmentFor(assignment, login), assignment.Port, assignment.Limits), ct);
            containerId = container.Id;

            await PhaseAsync("probing", $"port {assignment.Port}{(assignment.HealthPath is null ? "" : ", " + assignment.HealthPath)}");
            var probe = await services.CreateProbe().WaitAsync(container.IpAddress, assignment.Port, assignment.HealthPath,
                TimeSpan.FromSeconds(assignment.StartupTimeoutSeconds),
                async token => (await services.Docker.InspectAsync(container.Id, token)).Running, ct);
            if (probe.Readiness != Readiness.Ready)
            {
                report = await NotReadyReportAsync(container.Id, probe, digest, ct);
            }
            else
            {
                await PhaseAsync("testing", $"ready after {probe.Elapsed.TotalMilliseconds:0} ms");
                await RunScenariosAsync(new Uri($"http://{container.IpAddress}:{assignment.Port}/"), assignment, login?.Database, ct);
                var outcome = await services.Docker.InspectAsync(container.Id, ct);
                report = new AttemptReport(AttemptEnd.Tested, null, await LogsAsync(container.Id, ct),
                    outcome.ExitCode, outcome.OomKilled, digest);
            }
        }
        catch (ImageUnavailableException e)
        {
            report = new AttemptReport(AttemptEnd.ImageUnavailable, e.Message, null, null, false, null);
        }
        catch (FormatException e)
        {
            report = new AttemptReport(AttemptEnd.ImageUnavailable, e.Message, null, null, false, null);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && _hostStopping)
        {
            report = new AttemptReport(AttemptEnd.InfrastructureError, $"The grading host '{host}' shut down during the attempt.", null, null, false, digest,
                InfrastructureFault.HostStopping);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            report = new AttemptReport(AttemptEnd.Cancelled, "Stopped by the runner.", null, null, false, digest);
        }
        catch (Exception e)
        {
            LogJobFailed(_logger, e, work.TaskId, work.Attempt, host);
            report = new AttemptReport(AttemptEnd.InfrastructureError, $"The grader failed on host '{host}': {e.GetType().Name}: {e.Message}", null, null, false, digest,
                AttemptFaults.Classify(e));
        }
        finally
        {
            await CleanupAsync(containerId, imageId);
        }

        // Our database restarting under the app is our fault, never the student's: such an attempt is rerun.
        report = await services.Faults.ReviewAsync(report, databaseStartedAt, assignment.DatabaseMode != DatabaseMode.None);

        await ReportRetry.ExecuteAsync(async _ => await task.FinishAttemptAsync(work.Attempt, report), CancellationToken.None);
    }

    private async Task<(string ImageId, string? Digest)> PullAsync(ImageReference image, CancellationToken ct)
    {
        using var pullTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        pullTimeout.CancelAfter(services.Options.PullTimeout);
        return await services.Docker.PullAsync(image, pullTimeout.Token);
    }

    private async Task RunScenariosAsync(Uri baseAddress, AssignmentDefinition assignment, string? database, CancellationToken ct)
    {
        var executor = services.CreateExecutor(database, assignment.Port);
        var timeout = TimeSpan.FromSeconds(assignment.RequestTimeoutSeconds);
        foreach (var scenario in assignment.ScenariosFor(work.Spec.IncludePrivate))
        {
            await foreach (var step in executor.RunAsync(baseAddress, scenario, work.Attempt, timeout, ct))
            {
                var current = await ReportRetry.ExecuteAsync(async _ => await task.ReportStepAsync(step), ct);
                if (!current)
                {
                    // Cancelled or taken over: stop spending the host's time on it.
                    _stop.Cancel();
                    ct.ThrowIfCancellationRequested();
                }
            }
        }
    }

    private async Task<AttemptReport> NotReadyReportAsync(string containerId, ProbeResult probe, string? digest, CancellationToken ct)
    {
        var outcome = await services.Docker.InspectAsync(containerId, ct);
        var logs = await LogsAsync(containerId, ct);
        if (probe.Readiness == Readiness.Exited || !outcome.Running)
        {
            var oom = outcome.OomKilled ? " It was killed for using more memory than allowed." : "";
            return new AttemptReport(AttemptEnd.Crashed,
                $"The app exited with code {outcome.ExitCode} before it answered on port {work.Assignment.Port}.{oom}",
                logs, outcome.ExitCode, outcome.OomKilled, digest);
        }

        return new AttemptReport(AttemptEnd.NotReady,
            $"The app did not become ready within {work.Assignment.StartupTimeoutSeconds} s ({probe.Detail}). Does it listen on 0.0.0.0:{work.Assignment.Port}?",
            logs, null, false, digest);
    }

    private async Task<string?> LogsAsync(string containerId, CancellationToken ct)
    {
        try
        {
            return await services.Docker.ReadLogsAsync(containerId, services.Options.LogLimitBytes, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return $"(logs unavailable: {e.Message})";
        }
    }

    private Task PhaseAsync(string phase, string? detail) =>
        ReportRetry.ExecuteAsync(async _ =>
        {
            if (!await task.ReportPhaseAsync(work.Attempt, phase, detail))
            {
                _stop.Cancel();
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

    /// <summary>Runs whatever happened before: each step on its own, none cancellable, each failure logged
    /// (the reconciler removes what is left).</summary>
    private async Task CleanupAsync(string? containerId, string? imageId)
    {
        await Task.WhenAll(
            TryAsync("container", () => services.Docker.RemoveContainerAsync(containerId ?? _names.Name, CancellationToken.None)),
            TryAsync("database", () => services.Database.DropAsync(_names.Name, CancellationToken.None)));
        if (imageId is not null && services.Options.ImageCleanup == ImageCleanupPolicy.RemoveAfterTask)
        {
            await TryAsync("image", () => services.Docker.RemoveImageAsync(imageId, CancellationToken.None));
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
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Task {TaskId} attempt {Attempt} failed on {Host}")]
    private static partial void LogJobFailed(ILogger logger, Exception e, Guid taskId, int attempt, string host);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cleanup of {What} for task {TaskId} attempt {Attempt} on {Host} failed; the reconciler will retry")]
    private static partial void LogCleanupFailed(ILogger logger, Exception e, string what, Guid taskId, int attempt, string host);
}
