namespace Grader.IntegrationTests.Infrastructure;

/// <summary>Extra Docker engines on this machine (infra/engine.sh), so several silos stand for several
/// Docker hosts: each its own dockerd, socket, data-root, exec-root, bridge and student network.
/// Engine 0 is the stack's own.</summary>
public static class Engines
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> Started = [];

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

        lock (Gate)
        {
            if (Started.Add(n))
            {
                _ = LocalStack.Env;
                LocalStack.RunScript("infra/engine.sh", "up", n.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return LocalStack.RunScript("infra/engine.sh", "env", n.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l["export ".Length..].Split('=', 2))
            .ToDictionary(p => p[0].Replace("__", ":", StringComparison.Ordinal), p => (string?)p[1]);
    }

    public static string Endpoint(int n) => Settings(n)["Docker:Endpoint"]!;
}
