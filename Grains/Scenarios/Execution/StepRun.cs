using System.Text.Json;
using Grader.Tasks;

namespace Grader.Scenarios.Execution;

/// <summary>How one step went (its last try, when it was retried).</summary>
public sealed record StepRun(
    StepOutcome Outcome,
    PreparedRequest Request,
    StepResponse? Response,
    List<Mismatch> Mismatches,
    string? Message,
    Dictionary<string, JsonElement> Captured,
    TimeSpan Elapsed,
    int Tries,
    string? ExpectedBody = null);
