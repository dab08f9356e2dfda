using System.Globalization;
using System.Net;

namespace Grader.Sandbox.Diagnosis;

/// <summary>A TCP socket in the LISTEN state inside the container's network namespace.</summary>
public sealed record Listener(IPAddress Address, int Port)
{
    public bool IsLoopback => IPAddress.IsLoopback(Address) || Address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(Address.MapToIPv4());

    public bool IsAnyAddress => Address.Equals(IPAddress.Any) || Address.Equals(IPAddress.IPv6Any);

    public override string ToString() => Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
        ? $"[{Address}]:{Port}"
        : $"{Address}:{Port}";
}

/// <summary>Reads what the container listens on from the host, through <c>/proc/&lt;pid&gt;/net/tcp</c>
/// and <c>tcp6</c>, which show the socket table of that process's network namespace. This needs the
/// host's view of the container's pid (the silo runs next to dockerd); anything unreadable is "unknown".</summary>
public static class SocketTable
{
    private const string ListenState = "0A";

    // Docker's embedded DNS listens on 127.0.0.11 inside every container on a user-defined network.
    private static readonly IPAddress DockerDns = IPAddress.Parse("127.0.0.11");

    /// <summary>The listeners of the container whose main process has <paramref name="pid"/>, or null when
    /// the table cannot be read or the pid does not belong to <paramref name="containerId"/> (a silo in
    /// another pid namespace would otherwise read some unrelated process's sockets).</summary>
    public static IReadOnlyList<Listener>? Read(int pid, string containerId, string procRoot = "/proc")
    {
        try
        {
            var cgroup = File.ReadAllText(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "cgroup"));
            if (!cgroup.Contains(containerId, StringComparison.Ordinal))
            {
                return null;
            }

            var net = Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "net");
            var v4 = File.Exists(Path.Combine(net, "tcp")) ? File.ReadAllText(Path.Combine(net, "tcp")) : "";
            var v6 = File.Exists(Path.Combine(net, "tcp6")) ? File.ReadAllText(Path.Combine(net, "tcp6")) : "";
            return Parse(v4).Concat(Parse(v6)).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Listening sockets in one <c>/proc/net/tcp</c>-format table (IPv4 or IPv6).</summary>
    public static IEnumerable<Listener> Parse(string table)
    {
        foreach (var line in table.Split('\n').Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4 || fields[3] != ListenState || fields[1].Split(':') is not [var hexAddress, var hexPort])
            {
                continue;
            }

            if (ParseAddress(hexAddress) is not { } address || !int.TryParse(hexPort, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var port))
            {
                continue;
            }

            if (!address.Equals(DockerDns))
            {
                yield return new Listener(address, port);
            }
        }
    }

    /// <summary>The kernel prints each 32-bit word of the address in host byte order (little-endian here).</summary>
    private static IPAddress? ParseAddress(string hex)
    {
        if (hex.Length is not (8 or 32))
        {
            return null;
        }

        var bytes = new byte[hex.Length / 2];
        for (var word = 0; word < hex.Length / 8; word++)
        {
            if (!uint.TryParse(hex.AsSpan(word * 8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value))
            {
                return null;
            }

            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(word * 4, 4), value);
        }

        return new IPAddress(bytes);
    }
}
