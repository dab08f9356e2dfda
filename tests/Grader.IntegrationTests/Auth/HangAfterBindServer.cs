using System.Net.Sockets;

namespace Grader.IntegrationTests.Auth;

/// <summary>A fake LDAP server that accepts every simple bind and then never answers anything else:
/// the case where the library's own search timeout cannot be trusted on Linux. It speaks just enough
/// BER to answer a bind.</summary>
public sealed class HangAfterBindServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _clients = [];

    public HangAfterBindServer()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public string Uri => $"ldap://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public int Searches { get; private set; }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_clients)
        {
            // Closing the connections is what finally frees the threads stuck waiting on them.
            _clients.ForEach(c => c.Dispose());
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_clients)
            {
                _clients.Add(client);
            }

            _ = ServeAsync(client.GetStream());
        }
    }

    private async Task ServeAsync(NetworkStream stream)
    {
        try
        {
            while (await ReadMessageAsync(stream) is { } message)
            {
                // LDAPMessage: SEQUENCE { messageID INTEGER, protocolOp [APPLICATION n] ... }
                var (id, op) = message;
                if (op == 0x60)
                {
                    // BindResponse: success, no matched DN, no diagnostic message.
                    byte[] response = [0x30, 0x0c, 0x02, 0x01, id, 0x61, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00];
                    await stream.WriteAsync(response, _stop.Token);
                }
                else if (op == 0x63)
                {
                    Searches++;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Connection closed.
        }
    }

    private async Task<(byte Id, byte Op)?> ReadMessageAsync(NetworkStream stream)
    {
        var header = new byte[2];
        if (!await ReadExactlyAsync(stream, header))
        {
            return null;
        }

        var length = (int)header[1];
        if ((length & 0x80) != 0)
        {
            var bytes = new byte[length & 0x7f];
            if (!await ReadExactlyAsync(stream, bytes))
            {
                return null;
            }

            length = bytes.Aggregate(0, (n, b) => (n << 8) | b);
        }

        var body = new byte[length];
        if (!await ReadExactlyAsync(stream, body))
        {
            return null;
        }

        // body: 02 <len> <id...> <op> ...; message ids here stay below 128.
        return (body[2 + body[1] - 1], body[2 + body[1]]);
    }

    private async Task<bool> ReadExactlyAsync(NetworkStream stream, byte[] buffer)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, _stop.Token);
            return true;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
    }
}
