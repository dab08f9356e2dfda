using System.Globalization;
using Grader.Tasks;

namespace Grader.Scenarios.Reports;

/// <summary>Step verdicts as plain text, the same lines wherever they are printed: by <c>grader test</c>
/// on a student's machine and for the grader's own results, so the two can be compared line by line.
/// Durations are left out on purpose: they are the one thing that differs between two runs.</summary>
public static class VerdictText
{
    public static IEnumerable<string> Lines(StepResult step)
    {
        yield return string.Create(CultureInfo.InvariantCulture,
            $"{Label(step.Outcome),-7} {step.Title} ({step.Points:0.##}/{step.MaxPoints:0.##} pts){(step.Kind == StepKind.Step ? "" : " [not scored]")}");
        yield return $"        {step.Request}{(step.StatusCode is int status ? string.Create(CultureInfo.InvariantCulture, $" -> {status}") : "")}";
        if (step.Message is not null)
        {
            yield return "        " + step.Message;
        }

        foreach (var mismatch in step.Mismatches)
        {
            yield return "        - " + mismatch;
        }
    }

    public static string Total(IEnumerable<StepResult> steps)
    {
        var scored = steps.Where(s => s.Kind == StepKind.Step).ToList();
        return string.Create(CultureInfo.InvariantCulture,
            $"{scored.Count(s => s.Outcome == StepOutcome.Passed)} of {scored.Count} steps passed; score {scored.Sum(s => s.Points):0.##} / {scored.Sum(s => s.MaxPoints):0.##} points");
    }

    private static string Label(StepOutcome outcome) => outcome switch
    {
        StepOutcome.Passed => "PASS",
        StepOutcome.Failed => "FAIL",
        StepOutcome.Timeout => "TIMEOUT",
        StepOutcome.Error => "ERROR",
        _ => "BLOCKED",
    };
}
