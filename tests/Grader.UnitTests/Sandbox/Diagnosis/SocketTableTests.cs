using System.Net;
using Grader.Sandbox.Diagnosis;

namespace Grader.UnitTests.Sandbox.Diagnosis;

public class SocketTableTests
{
    private const string V4 = """
          sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 0B00007F:953F 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 27108 1 0 100 0 0 10 0
           1: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 27200 1 0 100 0 0 10 0
           2: 00000000:1388 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 27201 1 0 100 0 0 10 0
           3: 0200A8C0:1F40 0100A8C0:D431 01 00000000:00000000 00:00000000 00000000  1000        0 27202 1 0 100 0 0 10 0
        """;

    private const string V6 = """
          sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 00000000000000000000000001000000:1F40 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0 100 0 0 10 0
           1: 00000000000000000000000000000000:1F41 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 2 1 0 100 0 0 10 0
           2: 0000000000000000FFFF00000100007F:1F42 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 3 1 0 100 0 0 10 0
        """;

    [Fact]
    public void ListeningSocketsAreDecodedAndDockersDnsAndConnectionsAreLeftOut()
    {
        var listeners = SocketTable.Parse(V4).Select(l => l.ToString()).ToList();

        Assert.Equal(["127.0.0.1:8000", "0.0.0.0:5000"], listeners);
    }

    [Fact]
    public void Ipv6AddressesAreDecodedWordByWord()
    {
        var listeners = SocketTable.Parse(V6).ToList();

        Assert.Equal([IPAddress.IPv6Loopback, IPAddress.IPv6Any, IPAddress.Parse("::ffff:127.0.0.1")], listeners.Select(l => l.Address));
        Assert.Equal([8000, 8001, 8002], listeners.Select(l => l.Port));
        Assert.Equal([true, false, true], listeners.Select(l => l.IsLoopback));
    }

    [Fact]
    public void APidOfAnotherContainerIsNotRead()
    {
        var root = Directory.CreateTempSubdirectory("proc-");
        try
        {
            Directory.CreateDirectory(Path.Combine(root.FullName, "42", "net"));
            File.WriteAllText(Path.Combine(root.FullName, "42", "cgroup"), "0::/docker/abc123\n");
            File.WriteAllText(Path.Combine(root.FullName, "42", "net", "tcp"), V4);

            Assert.Equal(2, SocketTable.Read(42, "abc123", root.FullName)!.Count);
            Assert.Null(SocketTable.Read(42, "def456", root.FullName));
            Assert.Null(SocketTable.Read(43, "abc123", root.FullName));
        }
        finally
        {
            root.Delete(true);
        }
    }

    [Theory]
    [InlineData("127.0.0.1:8000", 8000, "listens on 127.0.0.1:8000, which only the container itself can reach", true)]
    [InlineData("[::1]:8000", 8000, "listens on [::1]:8000", true)]
    [InlineData("0.0.0.0:5000", 8000, "listens on 0.0.0.0:5000, not on port 8000", false)]
    [InlineData("127.0.0.1:5000", 8000, "listens on 127.0.0.1:5000, not on port 8000", false)]
    public void AWrongListenerIsNamed(string listener, int port, string expected, bool definitive)
    {
        var (address, number) = (listener[..listener.LastIndexOf(':')].Trim('[', ']'), int.Parse(listener[(listener.LastIndexOf(':') + 1)..]));

        var verdict = ListenerDiagnosis.Diagnose([new Listener(IPAddress.Parse(address), number)], port);

        Assert.NotNull(verdict);
        Assert.Contains(expected, verdict.Value.Message);
        Assert.Equal(definitive, verdict.Value.Definitive);
    }

    [Fact]
    public void AReachableListenerOnThePortOrNoListenerAtAllIsNoVerdict()
    {
        Assert.Null(ListenerDiagnosis.Diagnose([new Listener(IPAddress.Any, 8000), new Listener(IPAddress.Loopback, 9229)], 8000));
        Assert.Null(ListenerDiagnosis.Diagnose([new Listener(IPAddress.Loopback, 8000), new Listener(IPAddress.IPv6Any, 8000)], 8000));
        Assert.Null(ListenerDiagnosis.Diagnose([], 8000));
    }
}
