namespace Grader.Assignments;

/// <summary>What a step expects back. An absent body means "not checked"; an empty string means "empty".</summary>
/// <param name="Status">Any of these codes passes; an empty list accepts every code.</param>
/// <param name="Headers">Expected header values (matchers allowed); names are case-insensitive.</param>
/// <param name="Unordered">JSONPaths of arrays whose order does not matter.</param>
/// <param name="Tolerance">Numbers within this absolute distance are equal.</param>
[GenerateSerializer, Immutable, Alias("grader.StepExpectation")]
public sealed record StepExpectation(
    [property: Id(0)] IReadOnlyList<int> Status,
    [property: Id(1)] string? JsonBody = null,
    [property: Id(2)] IReadOnlyList<string>? Ignore = null,
    [property: Id(3)] MatchMode Match = MatchMode.Exact,
    [property: Id(4)] IReadOnlyList<string>? Unordered = null,
    [property: Id(5)] decimal Tolerance = 0,
    [property: Id(6)] IReadOnlyDictionary<string, string>? Headers = null);
