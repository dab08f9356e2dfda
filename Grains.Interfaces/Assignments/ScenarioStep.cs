namespace Grader.Assignments;

/// <summary>One request, what must come back, what to remember for later steps, and what the
/// student's database must hold afterwards.</summary>
/// <param name="TimeoutSeconds">Overrides the assignment's request timeout for this step.</param>
/// <param name="Retry">Repeats the step until it passes, for apps that finish work in the background.</param>
[GenerateSerializer, Immutable, Alias("grader.ScenarioStep")]
public sealed record ScenarioStep(
    [property: Id(0)] StepRequest Request,
    [property: Id(1)] StepExpectation Expect,
    [property: Id(2)] decimal Points = 1,
    [property: Id(3)] IReadOnlyList<StepCapture>? Captures = null,
    [property: Id(4)] double? TimeoutSeconds = null,
    [property: Id(5)] StepRetry? Retry = null,
    [property: Id(6)] IReadOnlyList<SqlCheck>? SqlChecks = null,
    [property: Id(7)] string? Title = null);

/// <summary>Remembers one value of a response as <c>{{Name}}</c>: the value at a JSONPath of the body
/// (keeping its JSON type), or a header's text.</summary>
[GenerateSerializer, Immutable, Alias("grader.StepCapture")]
public sealed record StepCapture(
    [property: Id(0)] string Name,
    [property: Id(1)] string? JsonPath = null,
    [property: Id(2)] string? Header = null);

/// <param name="Attempts">Tries in total, the first included.</param>
[GenerateSerializer, Immutable, Alias("grader.StepRetry")]
public sealed record StepRetry(
    [property: Id(0)] int Attempts,
    [property: Id(1)] double IntervalSeconds);

/// <summary>A query run on the student's database after the step, read-only, whose rows (as JSON
/// objects) are compared with <paramref name="ExpectedRows"/> by the same matcher as bodies.</summary>
/// <param name="Parameters">A JSON object of named parameters (<c>@name</c> in the query); bound, never spliced.</param>
/// <param name="ExpectedRows">A JSON array of row objects.</param>
/// <param name="Unordered">Row order does not matter (the array root is compared as a multiset).</param>
[GenerateSerializer, Immutable, Alias("grader.SqlCheck")]
public sealed record SqlCheck(
    [property: Id(0)] string Query,
    [property: Id(1)] string ExpectedRows,
    [property: Id(2)] string? Parameters = null,
    [property: Id(3)] string? Title = null,
    [property: Id(4)] MatchMode Match = MatchMode.Exact,
    [property: Id(5)] bool Unordered = false,
    [property: Id(6)] IReadOnlyList<string>? Ignore = null);
