using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Grader.Assignments;

namespace Grader.Scenarios.Execution;

/// <summary>Compiled scenarios keyed by their content, so every run of every task of one suite revision
/// shares one compiled form: a changed suite has another key, and an unchanged one is never compiled
/// again in this process. Bounded: past the limit the cache starts over, which only costs a recompile.</summary>
public sealed class CompiledSuiteCache
{
    private const int Limit = 512;

    private readonly ConcurrentDictionary<string, Lazy<CompiledScenario>> _scenarios = new(StringComparer.Ordinal);

    /// <summary>One for the process, for hosts and tests that do not bring their own.</summary>
    public static CompiledSuiteCache Shared { get; } = new();

    public int Count => _scenarios.Count;

    public CompiledScenario Get(Scenario scenario)
    {
        var key = KeyOf(scenario);
        if (_scenarios.Count >= Limit && !_scenarios.ContainsKey(key))
        {
            _scenarios.Clear();
        }

        return _scenarios.GetOrAdd(key, _ => new Lazy<CompiledScenario>(() => CompiledScenario.Compile(scenario))).Value;
    }

    /// <summary>The scenario's content: its serialized form, hashed. Costs one serialization per scenario
    /// per run, never a parse.</summary>
    private static string KeyOf(Scenario scenario) =>
        Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(scenario)));
}
