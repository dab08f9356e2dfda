using Grader.Bench.Burst;
using Grader.Bench.Clones;
using Grader.Bench.Matcher;
using Grader.Bench.Pipeline;
using Grader.Bench.Queue;
using Grader.Bench.Scale;

namespace Grader.Bench.Report;

/// <summary>Every measure the "all" command runs, in the order it runs them. A slice that adds a measure
/// adds one line here: a name and a <c>GoalsAsync(bool quick)</c> that returns its rows. Cheap, isolated
/// measures come first; the burst, which starts its own web and silo processes, comes last.</summary>
internal static class MeasureCatalog
{
    public static IReadOnlyList<Measure> All { get; } =
    [
        new("matcher", quick => Task.FromResult(MatcherBenchmark.Goals(quick))),
        new("judging", quick => Task.FromResult(SuiteParsing.Goals(quick))),
        new("queue", QueueBenchmark.GoalsAsync),
        new("pipeline", PipelineBenchmark.GoalsAsync),
        new("burst", BurstBenchmark.GoalsAsync),
        new("clones", ClonesBenchmark.GoalsAsync),
        new("scale", ScaleOutBenchmark.GoalsAsync),
    ];
}

/// <summary>One named measure: runs in full or quick mode and returns its goal rows.</summary>
internal sealed record Measure(string Name, Func<bool, Task<IReadOnlyList<GoalResult>>> GoalsAsync);
