using Grader.Assignments;

namespace Grader.Scenarios.Execution;

/// <summary>Which variables a step needs, to decide whether it can run at all.</summary>
public static class StepVariables
{
    /// <summary>Variables the request and the expectations use: these must exist before the step runs.</summary>
    public static IEnumerable<string> NeededBefore(ScenarioStep step)
    {
        var request = step.Request;
        return Variables.UsedIn(request.Path)
            .Concat((request.Query?.Values).OrEmpty().SelectMany(Variables.UsedIn))
            .Concat((request.Headers?.Values).OrEmpty().SelectMany(Variables.UsedIn))
            .Concat(Variables.UsedIn(request.RawBody))
            .Concat(Variables.UsedInJson(request.JsonBody))
            .Concat((step.Expect.Headers?.Values).OrEmpty().SelectMany(Variables.UsedIn))
            .Concat(Variables.UsedInJson(step.Expect.JsonBody))
            .Distinct(StringComparer.Ordinal);
    }

    /// <summary>Variables the SQL checks use; the step's own captures may be among them.</summary>
    public static IEnumerable<string> NeededBySqlChecks(ScenarioStep step) =>
        step.SqlChecks.OrEmpty()
            .SelectMany(c => Variables.UsedInJson(c.Parameters).Concat(Variables.UsedInJson(c.ExpectedRows)))
            .Distinct(StringComparer.Ordinal);

    private static IEnumerable<T> OrEmpty<T>(this IEnumerable<T>? items) => items ?? [];
}
