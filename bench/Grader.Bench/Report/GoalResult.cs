namespace Grader.Bench.Report;

/// <summary>
/// One row of the benchmark report: a measured figure, the floor measured beside it in the same run, and
/// whether the goal for it was met. Every measure returns these, so one command can gather them all.
/// </summary>
/// <param name="Measure">What was measured, as the report's row names it.</param>
/// <param name="Goal">The goal in words, for example "p99 under 100 ms".</param>
/// <param name="Value">The figure the goal is judged on.</param>
/// <param name="Unit">The unit of <paramref name="Value"/> and <paramref name="Floor"/>.</param>
/// <param name="Floor">The same work done the plainest way, in the same run, when there is one.</param>
/// <param name="Met">Whether <paramref name="Value"/> meets the goal.</param>
/// <param name="Note">Context, and for a missed goal its measured cause.</param>
/// <param name="Samples">The raw samples behind <paramref name="Value"/>, in the order they were taken.</param>
internal sealed record GoalResult(
    string Measure,
    string Goal,
    double Value,
    string Unit,
    double? Floor,
    bool Met,
    string Note,
    IReadOnlyList<double> Samples);
