using System.Net.Sockets;

namespace Grader.IntegrationTests.Infrastructure;

/// <summary>
/// Hands out ports that no other caller in this test process has been given. Asking the kernel for port 0
/// is not enough: it may return the same port to two callers once the first probe socket is closed (CI saw a
/// silo given one port as both silo and gateway port), and its ephemeral range is shared with every outgoing
/// connection. So ports come from below the ephemeral range, each one once, and only if nothing listens there now.
/// </summary>
public static class FreePort
{
    private const int First = 20_000;
    private const int Count = 12_000;
    private static int cursor = Random.Shared.Next(Count);

    public static int Next()
    {
        for (var attempt = 0; attempt < Count; attempt++)
        {
            var port = First + (int)((uint)Interlocked.Increment(ref cursor) % Count);
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"No free TCP port between {First} and {First + Count - 1}.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Any, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
