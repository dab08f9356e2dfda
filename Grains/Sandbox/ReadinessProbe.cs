using System.Diagnostics;
using System.Net.Sockets;

namespace Grader.Sandbox;

public enum Readiness
{
    Ready,
    /// <summary>Still running, but never answered within the startup timeout.</summary>
    TimedOut,
    /// <summary>The container exited first.</summary>
    Exited,
}

public sealed record ProbeResult(Readiness Readiness, TimeSpan Elapsed, string Detail);

/// <summary>Waits until the app answers: a TCP connect to its port, then (if the assignment has one) a
/// health path that returns a non-5xx status. It retries with a growing back-off and gives up at the
/// startup timeout or as soon as the container exits. There is no fixed wait.</summary>
public sealed class ReadinessProbe(HttpClient http)
{
    // Connecting to a closed port costs microseconds; a short cap keeps the wait after "ready" small.
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(100);

    public async Task<ProbeResult> WaitAsync(string ip, int port, string? healthPath, TimeSpan timeout,
        Func<CancellationToken, Task<bool>> isRunning, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var delay = FirstDelay;
        var lastProblem = "no connection yet";
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (!await isRunning(ct))
            {
                return new ProbeResult(Readiness.Exited, clock.Elapsed, "the container exited before it answered");
            }

            var remaining = timeout - clock.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                return new ProbeResult(Readiness.TimedOut, clock.Elapsed, lastProblem);
            }

            var attemptBudget = remaining < TimeSpan.FromSeconds(2) ? remaining : TimeSpan.FromSeconds(2);
            lastProblem = ip.Length == 0 ? "the container has no address" : await TryOnceAsync(ip, port, healthPath, attemptBudget, ct) ?? "";
            if (lastProblem.Length == 0)
            {
                return new ProbeResult(Readiness.Ready, clock.Elapsed, "ready");
            }

            var pause = delay < timeout - clock.Elapsed ? delay : timeout - clock.Elapsed;
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, ct);
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
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
