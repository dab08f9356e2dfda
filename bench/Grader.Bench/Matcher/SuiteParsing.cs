using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Grader.Assignments;
using Grader.Bench.Report;
using Grader.Scenarios;
using Grader.Scenarios.Execution;

namespace Grader.Bench.Matcher;

/// <summary>Proves that judging a step does not parse the suite: a step with the benchmark's expected body,
/// ignore and unordered paths, a header matcher and a capture is judged many times through the compiled
/// suite cache, counting the expected texts parsed and the bytes allocated per judged step. "Before" is
/// the same step compiled afresh for every judgement, which is what judging cost when each step parsed
/// its expectation from the suite text.</summary>
internal static class SuiteParsing
{
    private const int Steps = 50;

    public static void Report(string expectedBody, string responseBody)
    {
        var judging = Measure(expectedBody, responseBody, Steps);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Suite parsing: compiling the step parsed {judging.CompileParses} expected text(s); {Steps} judged steps parsed {judging.AfterParses} (goal 0); {judging.AfterBytes / 1024.0:0} KiB allocated per judged step for a {responseBody.Length / 1024.0 / 1024:0.00} MB response."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Judging one step: {Median(judging.AfterMs):0.00} ms from the compiled suite, {Median(judging.BeforeMs):0.00} ms when the step is parsed first ({judging.BeforeParses} parses for {Steps} steps)."));
    }

    /// <summary>The report's rows, on the matcher benchmark's 1 MB bodies (one item in a hundred differs).</summary>
    public static IReadOnlyList<GoalResult> Goals(bool quick)
    {
        var targetBytes = 1024 * 1024;
        var expected = BodyGenerator.Actual(targetBytes);
        var response = BodyGenerator.WithDifferences(targetBytes);
        var steps = quick ? 10 : Steps;
        var judging = Measure(expected, response, steps);
        var size = string.Create(CultureInfo.InvariantCulture, $"{Encoding.UTF8.GetByteCount(expected) / 1048576.0:0.00} MB");
        var (after, before) = (Median(judging.AfterMs), Median(judging.BeforeMs));
        return
        [
            new GoalResult("judging a step: suite texts parsed per judged step (issue 12)", "0 (the suite is parsed once, at upload)",
                judging.AfterParses / (double)steps, "parses", judging.BeforeParses / (double)steps, judging.AfterParses == 0,
                string.Create(CultureInfo.InvariantCulture,
                    $"{steps} judgements of one step (expected body of {size}, ignore and unordered paths, a header matcher, a capture) through the compiled-suite cache, as the executor judges a later run of the same suite revision; compiling it once parsed {judging.CompileParses} text(s). Floor: the same step compiled afresh before each judgement, as judging worked before compiled suites ({judging.BeforeParses} parses). Counted by ExpectedBody.Parses."),
                judging.AfterParseCounts),
            new GoalResult("judging a step on 1 MB bodies, compiled suite vs parsed per step (issue 12)", "faster than parsing the step first",
                after, "ms", before, after < before,
                string.Create(CultureInfo.InvariantCulture,
                    $"Median wall time per judged step, {steps} alternating samples each; {judging.AfterBytes / 1024.0:0} KiB allocated per step compiled, {judging.BeforeBytes / 1024.0:0} KiB parsed per step; {after / before:0.00}× the old cost (samples: compiled ms per step)."),
                judging.AfterMs),
        ];
    }

    public static int Run(bool quick)
    {
        var goals = Goals(quick);
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Judging benchmark ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores{(quick ? ", quick" : "")})");
        md.AppendLine();
        md.AppendLine("| measure | goal | value | before (floor) | met | note |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var g in goals)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {g.Measure} | {g.Goal} | {g.Value:0.###} {g.Unit} | {g.Floor:0.###} {g.Unit} | {(g.Met ? "yes" : "**no**")} | {g.Note} |");
        }

        Console.Write(md);
        if (!quick)
        {
            File.WriteAllText(Path.Combine(Pipeline.StackEnvironment.RepoRoot, "bench/results/judging.md"), md.ToString());
        }

        return goals.All(g => g.Met) ? 0 : 1;
    }

    private sealed record Judging(long CompileParses, long AfterParses, long BeforeParses, long AfterBytes, long BeforeBytes,
        List<double> AfterMs, List<double> BeforeMs, List<double> AfterParseCounts);

    private static Judging Measure(string expectedBody, string responseBody, int steps)
    {
        var step = new ScenarioStep(new StepRequest("GET", "/items"),
            new StepExpectation([200], expectedBody, Ignore: ["$..created_at"], Unordered: ["$.items[*].tags"],
                Headers: new Dictionary<string, string> { ["Content-Type"] = "#regex application/json.*" }),
            Captures: [new StepCapture("status", "$.status")]);
        var scenario = new Scenario("bench", "Benchmark", true, 0, [step]);
        var response = new StepResponse(200, new Dictionary<string, string> { ["Content-Type"] = "application/json" }, responseBody);
        var values = new Dictionary<string, JsonElement>();
        var cache = new CompiledSuiteCache();

        var parsesBefore = ExpectedBody.Parses;
        var first = cache.Get(scenario).Steps[0];
        var compileParses = ExpectedBody.Parses - parsesBefore;
        _ = ResponseJudge.Judge(first, values, response, CancellationToken.None);
        _ = ResponseJudge.Judge(new CompiledSuiteCache().Get(scenario).Steps[0], values, response, CancellationToken.None);

        var (afterParses, beforeParses, afterBytes, beforeBytes) = (0L, 0L, 0L, 0L);
        var (afterMs, beforeMs, afterParseCounts) = (new List<double>(), new List<double>(), new List<double>());
        for (var i = 0; i < steps; i++)
        {
            // After: a later run of the same suite revision asks the cache again, as the executor does once per scenario.
            var (parses, bytes, ms) = Time(() => ResponseJudge.Judge(cache.Get(scenario).Steps[0], values, response, CancellationToken.None));
            (afterParses, afterBytes) = (afterParses + parses, afterBytes + bytes);
            afterMs.Add(ms);
            afterParseCounts.Add(parses);
            // Before: the step's expectation parsed from the suite for this judgement.
            (parses, bytes, ms) = Time(() => ResponseJudge.Judge(new CompiledSuiteCache().Get(scenario).Steps[0], values, response, CancellationToken.None));
            (beforeParses, beforeBytes) = (beforeParses + parses, beforeBytes + bytes);
            beforeMs.Add(ms);
        }

        return new Judging(compileParses, afterParses, beforeParses, afterBytes / steps, beforeBytes / steps, afterMs, beforeMs, afterParseCounts);
    }

    private static (long Parses, long Bytes, double Ms) Time(Action judge)
    {
        var parses = ExpectedBody.Parses;
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        judge();
        clock.Stop();
        return (ExpectedBody.Parses - parses, GC.GetAllocatedBytesForCurrentThread() - bytes, clock.Elapsed.TotalMilliseconds);
    }

    private static double Median(List<double> samples)
    {
        var sorted = samples.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
