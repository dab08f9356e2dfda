using System.Net.Sockets;
using Grader.Sandbox.Diagnosis;

namespace Grader.Sandbox;

public enum Readiness
{
    Ready,
    /// <summary>Still running, but never answered within the startup timeout.</summary>
    TimedOut,
    /// <summary>The container exited first.</summary>
    Exited,
    /// <summary>The socket table shows the app listening where the grader cannot reach it.</summary>
    ListensElsewhere,
    /// <summary>The output shows the app died (a traceback, an unhandled exception) though the container lives on.</summary>
    FatalError,
}

/// <param name="Fatal">The fatal error found in the output, for <see cref="Readiness.FatalError"/>.</param>
public sealed record ProbeResult(Readiness Readiness, TimeSpan Elapsed, string Detail, FatalError? Fatal = null);

/// <summary>Waits until the app answers: a TCP connect to its port, then (if the assignment has one) a
/// health path that returns a non-5xx status. It retries with a growing back-off and gives up at the
/// startup timeout or as soon as the container exits. There is no fixed wait. Meanwhile it watches the
/// container for evidence that waiting is pointless: a listener on loopback or on another port (from the
/// socket table, read with each inspect, every 100 ms), or a fatal error in the output (read every 300 ms).</summary>
/// <param name="time">The clock its intervals, grace and timeout are measured on (a test runs it on a
/// virtual one, so a verdict never depends on how busy the machine was).</param>
public sealed class ReadinessProbe(HttpClient http, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    // Connecting to a closed port costs microseconds; a short cap keeps the wait after "ready" small. A
    // health path is a request the app must serve, so it is asked less often.
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan ConnectMaxDelay = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan HealthMaxDelay = TimeSpan.FromMilliseconds(100);

    // Asking the engine costs it a request each time: the container's state is read less often than the
    // port is tried, and its output less often still.
    private static readonly TimeSpan InspectInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LogInterval = TimeSpan.FromMilliseconds(300);

    public async Task<ProbeResult> WaitAsync(string ip, int port, string? healthPath, TimeSpan timeout, IContainerWatch watch, CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        TimeSpan Elapsed() => _time.GetElapsedTime(started);
        var delay = FirstDelay;
        var lastProblem = "no connection yet";
        var evidence = new Evidence(watch, port);
        var maxDelay = string.IsNullOrEmpty(healthPath) ? ConnectMaxDelay : HealthMaxDelay;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (await evidence.VerdictAsync(Elapsed(), ct) is { } verdict)
            {
                return verdict;
            }

            var remaining = timeout - Elapsed();
            if (remaining <= TimeSpan.Zero)
            {
                return new ProbeResult(Readiness.TimedOut, Elapsed(), lastProblem);
            }

            var attemptBudget = remaining < TimeSpan.FromSeconds(2) ? remaining : TimeSpan.FromSeconds(2);
            lastProblem = ip.Length == 0 ? "the container has no address" : await TryOnceAsync(ip, port, healthPath, attemptBudget, ct) ?? "";
            if (lastProblem.Length == 0)
            {
                return new ProbeResult(Readiness.Ready, Elapsed(), "ready");
            }

            var left = timeout - Elapsed();
            var pause = delay < left ? delay : left;
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, _time, ct);
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, maxDelay.Ticks));
        }
    }

    /// <summary>What the container shows, looked at on its own schedule: a verdict once waiting is pointless.</summary>
    private sealed class Evidence(IContainerWatch watch, int port)
    {
        private TimeSpan? _inspectedAt;
        private TimeSpan? _logsReadAt;
        private TimeSpan? _wrongSince;

        public async Task<ProbeResult?> VerdictAsync(TimeSpan now, CancellationToken ct)
        {
            if (_inspectedAt is not null && now - _inspectedAt < InspectInterval)
            {
                return null;
            }

            _inspectedAt = now;
            var state = await watch.InspectAsync(ct);
            if (!state.Running)
            {
                return new ProbeResult(Readiness.Exited, now, "the container exited before it answered");
            }

            if (state.Pid is int pid && watch.Listeners(pid) is { } listeners && ListenerDiagnosis.Diagnose(listeners, port) is var (message, definitive))
            {
                _wrongSince ??= now;
                if (definitive || now - _wrongSince >= ListenerDiagnosis.WrongPortGrace)
                {
                    return new ProbeResult(Readiness.ListensElsewhere, now, message);
                }
            }
            else
            {
                _wrongSince = null;
            }

            if (_logsReadAt is null || now - _logsReadAt >= LogInterval)
            {
                _logsReadAt = now;
                if (FatalLogScanner.Find(await watch.ReadLogsAsync(ct)) is { } fatal)
                {
                    return new ProbeResult(Readiness.FatalError, now, fatal.Headline, fatal);
                }
            }

            return null;
        }
    }

    /// <summary>Null when ready, else what went wrong this time.</summary>
    private async Task<string?> TryOnceAsync(string ip, int port, string? healthPath, TimeSpan budget, CancellationToken ct)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(budget);
        try
        {
            if (string.IsNullOrEmpty(healthPath))
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(ip, port, attempt.Token);
                return null;
            }

            using var response = await http.GetAsync($"http://{ip}:{port}/{healthPath.TrimStart('/')}", HttpCompletionOption.ResponseHeadersRead, attempt.Token);
            return (int)response.StatusCode < 500 ? null : $"{healthPath} answered {(int)response.StatusCode}";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"port {port} did not answer in time";
        }
        catch (SocketException e)
        {
            return $"port {port}: {e.SocketErrorCode}";
        }
        catch (HttpRequestException e)
        {
            return $"port {port}: {e.Message}";
        }
    }
}
