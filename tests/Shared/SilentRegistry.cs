using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Grader.Testing;

/// <summary>A "registry" on loopback that accepts connections and never answers: a pull from it holds its
/// runner slot until it is cancelled, so what a benchmark or test puts in the queue stays there.</summary>
internal sealed class SilentRegistry : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentBag<TcpClient> _held = [];
    private readonly CancellationTokenSource _stop = new();

    public SilentRegistry()
    {
        _listener.Start();
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                _held.Add(await _listener.AcceptTcpClientAsync(_stop.Token));
            }
        });
    }

    public string Image => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/students/silent:1";

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        foreach (var client in _held)
        {
            client.Dispose();
        }
    }
}
