using System.Globalization;
using System.Text;
using System.Text.Json;
using Grader.Assignments;
using Grader.Bench.Report;
using Grader.Scenarios;

namespace Grader.Bench.Matcher;

/// <summary>Matcher throughput on large response bodies, printed next to the cost of only parsing the
/// same body with System.Text.Json, all measured in the same run on the same machine. A run compiles
/// the expected body once, so judging parses only the response: one parse is its floor.</summary>
internal static class MatcherBenchmark
{
    public static int Run(string[] args)
    {
        var sizeMb = Option(args, "--size-mb", 1.0);
        var seconds = Option(args, "--seconds", 2.0);
        var targetBytes = (int)(sizeMb * 1024 * 1024);
        var duration = TimeSpan.FromSeconds(seconds);

        var actual = BodyGenerator.Actual(targetBytes);
        var different = BodyGenerator.WithDifferences(targetBytes);
        var withMatchers = BodyGenerator.WithMatchers(targetBytes);
        var bytes = Encoding.UTF8.GetByteCount(actual);
        var unordered = new MatchOptions(Unordered: [JsonPathPattern.Parse("$.items[*].tags")]);

        // What a run does: the suite's expected bodies are compiled once, each response is parsed once.
        var compiledActual = ExpectedBody.Parse(actual);
        var compiledMatchers = ExpectedBody.Parse(withMatchers, unordered);
        var compiledLenient = ExpectedBody.Parse(actual, unordered with { Mode = MatchMode.Lenient });
        var results = new List<Measurement>
        {
            Measurement.Of("System.Text.Json parse (baseline)", bytes, duration, () =>
            {
                using var document = JsonDocument.Parse(actual);
                return document.RootElement.GetArrayLength("items");
            }),
            Measurement.Of("compiled, exact, equal bodies", bytes, duration, () => JsonMatcher.Match(compiledActual, actual).Count),
            Measurement.Of("compiled, exact, 1% of items differ", bytes, duration, () => JsonMatcher.Match(compiledActual, different).Count),
            Measurement.Of("compiled, #type matchers on every field", bytes, duration, () => JsonMatcher.Match(compiledMatchers, actual).Count),
            Measurement.Of("compiled, lenient, unordered tags", bytes, duration, () => JsonMatcher.Match(compiledLenient, actual).Count),
            Measurement.Of("text API (parses both), equal bodies", bytes, duration, () => JsonMatcher.Match(actual, actual).Count),
        };

        Print(results, bytes);
        Console.WriteLine();
        SuiteParsing.Report(actual, different);
        return 0;
    }

    /// <summary>The report's row: the compiled exact matcher on equal 1 MB bodies next to a plain parse of
    /// the same body, timed in alternating rounds on CPU time, so the shared machine's load does not decide the ratio.</summary>
    public static IReadOnlyList<GoalResult> Goals(bool quick)
    {
        var body = BodyGenerator.Actual(1024 * 1024);
        var bytes = Encoding.UTF8.GetByteCount(body);
        var compiled = ExpectedBody.Parse(body);
        var round = TimeSpan.FromSeconds(quick ? 0.3 : 1.0);
        var parse = new List<double>();
        var match = new List<double>();
        // Warm both paths past tiered JIT first: its background compiles would otherwise bill the early rounds.
        int Parse()
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.GetArrayLength("items");
        }

        CpuMegabytesPerSecond(bytes, TimeSpan.FromSeconds(1), Parse);
        CpuMegabytesPerSecond(bytes, TimeSpan.FromSeconds(1), () => JsonMatcher.Match(compiled, body).Count);
        for (var i = 0; i < (quick ? 5 : 9); i++)
        {
            parse.Add(CpuMegabytesPerSecond(bytes, round, Parse));
            match.Add(CpuMegabytesPerSecond(bytes, round, () => JsonMatcher.Match(compiled, body).Count));
        }

        // The best round of each: on a shared machine, interference only ever slows a round down.
        var (matcher, floor) = (match.Max(), parse.Max());
        var ratio = matcher / floor;
        return
        [
            new GoalResult(IssueGoals.Matcher, "at least 0.5× a System.Text.Json parse", matcher, "MB/s", floor, ratio >= 0.5,
                string.Create(CultureInfo.InvariantCulture, $"{ratio:0.00}× the parse; compiled suite, exact mode, equal bodies of {bytes / 1048576.0:0.00} MB; best of {match.Count} alternating rounds (after a 1 s warm-up each) of {round.TotalSeconds:0.0} s each, per second of this process's CPU time rather than wall time, so other work on the shared machine does not count (samples: matcher MB/s per round)"),
                match),
        ];
    }

    /// <summary>Throughput per CPU second of this process (one thread works; workstation GC), after a warm-up.</summary>
    private static double CpuMegabytesPerSecond(long bytes, TimeSpan round, Func<int> operation)
    {
        var sink = operation();
        GC.Collect();
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var operations = 0;
        while (clock.Elapsed < round || operations < 3)
        {
            sink += operation();
            operations++;
        }

        process.Refresh();
        var seconds = (process.TotalProcessorTime - cpu).TotalSeconds;
        return sink == int.MinValue ? double.NaN : bytes * (double)operations / (1024 * 1024) / seconds;
    }

    private static void Print(List<Measurement> results, long bytes)
    {
        var baseline = results[0].MegabytesPerSecond;
        Console.WriteLine($"Matcher throughput on {bytes / 1024.0 / 1024:0.00} MB bodies ({Environment.ProcessorCount} cores, .NET {Environment.Version})");
        Console.WriteLine();
        Console.WriteLine($"| {"case",-40} | {"runs",5} | {"ms/body",8} | {"MB/s",8} | {"vs parse",8} |");
        Console.WriteLine($"|{new string('-', 42)}|{new string('-', 7)}|{new string('-', 10)}|{new string('-', 10)}|{new string('-', 10)}|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Case,-40} | {r.Operations,5} | {r.MillisecondsPerOperation,8:0.00} | {r.MegabytesPerSecond,8:0.0} | {r.MegabytesPerSecond / baseline,7:0.00}x |"));
        }
    }

    private static double Option(string[] args, string name, double fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? double.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static int GetArrayLength(this JsonElement element, string property) => element.GetProperty(property).GetArrayLength();
}
