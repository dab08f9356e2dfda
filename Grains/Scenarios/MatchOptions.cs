using Grader.Assignments;

namespace Grader.Scenarios;

/// <param name="Tolerance">Numbers within this absolute distance are equal.</param>
/// <param name="MaxMismatches">Reports stop after this many, so a huge wrong body stays readable.</param>
public sealed record MatchOptions(
    MatchMode Mode = MatchMode.Exact,
    IReadOnlyList<JsonPathPattern>? Ignore = null,
    IReadOnlyList<JsonPathPattern>? Unordered = null,
    decimal Tolerance = 0,
    int MaxMismatches = 50)
{
    public static MatchOptions Default { get; } = new();
}
