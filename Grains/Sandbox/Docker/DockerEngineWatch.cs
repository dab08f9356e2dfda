using Docker.DotNet;
using Docker.DotNet.Models;

namespace Grader.Sandbox.Docker;

/// <summary>The engine's event stream, held open for one attempt. dockerd ends it only when it stops, and
/// a stopping dockerd kills every container (exit 137) whatever the app did, so a stream that ended
/// before the attempt did means the attempt's verdict is ours, not the student's (the runner's fault review reads it).</summary>
public sealed class DockerEngineWatch : IEngineWatch
{
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _interrupted;

    private readonly IDockerClient _engine;

    public DockerEngineWatch(IDockerClient engine)
    {
        _engine = engine;
        _ = WatchAsync(engine);
    }

    /// <inheritdoc/>
    /// <remarks>A stream that broke a moment ago may not have been noticed yet, so an engine that does not
    /// answer now counts too.</remarks>
    public async Task<bool> InterruptedAsync()
    {
        if (_interrupted)
        {
            return true;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _engine.System.PingAsync(timeout.Token);
            return _interrupted;
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            return true;
        }
    }

    private async Task WatchAsync(IDockerClient engine)
    {
        try
        {
            // Daemon events are rare, so the stream costs one idle connection.
            var daemonOnly = new ContainerEventsParameters { Filters = new Dictionary<string, IDictionary<string, bool>> { ["type"] = new Dictionary<string, bool> { ["daemon"] = true } } };
            await engine.System.MonitorEventsAsync(daemonOnly, new Progress<Message>(), _stop.Token);
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            // Falls through: the stream broke.
        }

        _interrupted = !_stop.IsCancellationRequested;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
