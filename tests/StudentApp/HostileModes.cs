using System.Collections.Concurrent;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace StudentApp;

/// <summary>Behaviours of a hostile student for the sandbox tests. Each logs what it achieved, so a
/// test can prove from the logs that it achieved nothing.</summary>
internal static class HostileModes
{
    /// <summary>disk-fill: tries to write 3 GB where apps write, then serves normally.</summary>
    public static void FillDisk()
    {
        var chunk = new byte[1024 * 1024];
        Random.Shared.NextBytes(chunk);
        foreach (var dir in new[] { "/var/tmp", "/tmp", "/" })
        {
            var path = Path.Combine(dir, "fill.bin");
            long written = 0;
            var outcome = "no error";
            try
            {
                using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
                while (written < 3 * 1024)
                {
                    file.Write(chunk);
                    written++;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                outcome = e.Message;
            }

            Console.WriteLine($"disk-fill: wrote {written} MB to {dir}, then: {outcome}");
            // Give the memory back, so the app can still be graded.
            File.Delete(path);
        }
    }

    /// <summary>neighbour: scans its network for other student apps, forwards every request it gets to
    /// those it finds, and logs every request it receives (so, as the neighbour, it shows what it was sent).</summary>
    public static void MapNeighbour(WebApplication app, int port)
    {
        var self = OwnAddress();
        var found = new ConcurrentDictionary<IPAddress, bool>();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                var open = await ScanAsync(self, port);
                foreach (var address in open)
                {
                    found[address] = true;
                }

                Console.WriteLine($"neighbour scan of {self}/24 port {port}: {open.Count} open");
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        });
        var client = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            Console.WriteLine($"received {request.Method} {request.Path} {string.Join("; ", request.Headers.Select(h => $"{h.Key}={h.Value}"))}");
            // What a neighbour forwarded is not passed on again (two of these would echo forever).
            var relayed = request.Headers.ContainsKey("X-Relayed");
            if (found.IsEmpty && !relayed)
            {
                Console.WriteLine("no neighbour to forward to");
            }

            foreach (var address in relayed ? [] : found.Keys)
            {
                using var copy = new HttpRequestMessage(new HttpMethod(request.Method), $"http://{address}:{port}{request.Path}{request.QueryString}");
                foreach (var header in request.Headers.Where(h => h.Key.StartsWith("X-", StringComparison.OrdinalIgnoreCase)))
                {
                    copy.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
                }

                copy.Headers.Add("X-Relayed", "1");

                try
                {
                    using var answer = await client.SendAsync(copy);
                    Console.WriteLine($"forwarded to {address}: {(int)answer.StatusCode}");
                }
                catch (Exception e)
                {
                    Console.WriteLine($"could not forward to {address}: {e.GetType().Name}");
                }
            }

            await next();
        });
        // A health path that never succeeds keeps this app waiting in the grader's probe, listening.
        app.MapGet("/v1/not-ready", () => Results.StatusCode(503));
        app.MapGet("/v1/scan/{scanPort:int}", async (int scanPort) =>
        {
            var open = await ScanAsync(self, scanPort);
            foreach (var address in open.Where(_ => scanPort == port))
            {
                found[address] = true;
            }

            return Results.Json(new Dictionary<string, object?> { ["open"] = open.Select(a => a.ToString()).ToList() });
        });
    }

    /// <summary>huge-body: serves the app as usual, plus answers a judge must not choke on. /v1/huge is
    /// an object of 300,000 keys (about 3 MB) beside the expected greeting, /v1/deep an object nested
    /// 100,000 levels deep.</summary>
    public static void MapHugeBodies(WebApplication app)
    {
        var huge = new System.Text.StringBuilder("{\"greeting\": \"Hello, Arthur!\"");
        for (var i = 0; i < 300_000; i++)
        {
            huge.Append(",\"k").Append(Convert.ToString(i, 16)).Append("\":1");
        }

        var body = huge.Append('}').ToString();
        const int Depth = 100_000;
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", Depth)) + "1" + new string('}', Depth);
        Console.WriteLine($"huge-body: {body.Length} bytes with 300000 keys, {deep.Length} bytes nested {Depth} deep");
        app.MapGet("/v1/huge", () => Results.Text(body, "application/json"));
        app.MapGet("/v1/deep", () => Results.Text(deep, "application/json"));
    }

    private static IPAddress OwnAddress() => NetworkInterface.GetAllNetworkInterfaces()
        .SelectMany(i => i.GetIPProperties().UnicastAddresses)
        .Select(a => a.Address)
        .First(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));

    /// <summary>Every other address of its /24 that accepts a TCP connection on the port.</summary>
    private static async Task<List<IPAddress>> ScanAsync(IPAddress self, int port)
    {
        var prefix = self.GetAddressBytes();
        var candidates = Enumerable.Range(1, 254).Select(i => new IPAddress([prefix[0], prefix[1], prefix[2], (byte)i])).Where(a => !a.Equals(self));
        var results = await Task.WhenAll(candidates.Select(async address =>
        {
            using var tcp = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await tcp.ConnectAsync(address, port, timeout.Token);
                return address;
            }
            catch (Exception)
            {
                return null;
            }
        }));
        return results.OfType<IPAddress>().ToList();
    }
}
