namespace Grader.IntegrationTests.Infrastructure;

/// <summary>Extra Docker engines on this machine (infra/engine.sh), so several silos stand for several
/// Docker hosts. A test names engines 1, 2, ...; each is mapped to a machine-wide engine number that
/// this test process holds a lock on, so test runs from several checkouts at once never start, use
/// or stop each other's engines. Engine 0 is the stack's own.</summary>
public static class Engines
{
    // Numbers below this are left to scripts and benchmarks that name their engines directly.
    private const int FirstLocked = 11;
    private static readonly Lock Gate = new();
    private static readonly Dictionary<int, int> Physical = [];
    private static readonly List<FileStream> Held = [];

    private static string Home => Environment.GetEnvironmentVariable("GRADER_ENGINES_HOME") ?? "/var/lib/grader-engines";

    /// <summary>Starts engine N if needed and returns the settings a silo on it needs.</summary>
    public static Dictionary<string, string?> Settings(int n)
    {
        if (n == 0)
        {
            return new Dictionary<string, string?>
            {
                ["Docker:Endpoint"] = LocalStack.Get("Docker__Endpoint"),
                ["Docker:StudentNetwork"] = LocalStack.Get("Docker__StudentNetwork"),
                ["Database:StudentHost"] = LocalStack.Get("Database__StudentHost"),
            };
        }

        var engine = Number(n);
        return LocalStack.RunScript("infra/engine.sh", "env", engine)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l["export ".Length..].Split('=', 2))
            .ToDictionary(p => p[0].Replace("__", ":", StringComparison.Ordinal), p => (string?)p[1]);
    }

    public static string Endpoint(int n) => Settings(n)["Docker:Endpoint"]!;

    /// <summary>The pid of engine N's dockerd, for tests that freeze it.</summary>
    public static int DaemonPid(int n) =>
        int.Parse(File.ReadAllText(Path.Combine(Home, Number(n), "run", "dockerd.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Starts engine N's dockerd again after a test stopped it (its data-root, so its state, stays).</summary>
    public static void Restart(int n) => LocalStack.RunScript("infra/engine.sh", "up", Number(n));

    /// <summary>Stops every engine this process started and gives up their numbers.</summary>
    public static void StopAll()
    {
        lock (Gate)
        {
            foreach (var engine in Physical.Values)
            {
                LocalStack.RunScript("infra/engine.sh", "down", Text(engine));
            }

            Physical.Clear();
            Held.ForEach(h => h.Dispose());
            Held.Clear();
        }
    }

    /// <summary>Engine N's machine-wide number, started on first use under a lock held until
    /// <see cref="StopAll"/> or the end of the process.</summary>
    private static string Number(int n)
    {
        lock (Gate)
        {
            if (!Physical.TryGetValue(n, out var engine))
            {
                engine = Claim();
                _ = LocalStack.Env;
                LocalStack.RunScript("infra/engine.sh", "up", Text(engine));
                Physical[n] = engine;
            }

            return Text(engine);
        }
    }

    private static int Claim()
    {
        Directory.CreateDirectory(Home);
        for (var engine = FirstLocked; engine <= 254; engine++)
        {
            if (Physical.ContainsValue(engine))
            {
                continue;
            }

            try
            {
                // FileShare.None takes an exclusive advisory lock on Linux; the kernel drops it if we die.
                Held.Add(new FileStream(Path.Combine(Home, $"{engine}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
                return engine;
            }
            catch (IOException)
            {
                // Another test process holds this one.
            }
        }

        throw new InvalidOperationException($"No free engine number under {Home}.");
    }

    private static string Text(int engine) => engine.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
