using Grader.Assignments;

namespace Grader.Scenarios.Suites;

/// <summary>One problem in a suite file, at the place an editor can jump to (1-based line and column).</summary>
public sealed record SuiteError(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

/// <summary>A parsed suite, or everything that is wrong with it. Scenarios are only meaningful when
/// there are no errors: a suite with errors is rejected as a whole.</summary>
public sealed record SuiteParseResult(IReadOnlyList<Scenario> Scenarios, IReadOnlyList<SuiteError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}
