using System.Globalization;
using System.Text.Json;
using Grader.Tasks;

namespace Grader.Scenarios.Execution;

/// <summary>Compares a response with a step's compiled expectations and lists every difference.
/// References are filled from the captured values as the comparison meets them. Throws
/// <see cref="JsonException"/> when a JSON body was expected and the response is not JSON: that is an
/// error, not a wrong answer; and <see cref="OperationCanceledException"/> when the token ends judging.</summary>
public static class ResponseJudge
{
    public static List<Mismatch> Judge(CompiledStep step, IReadOnlyDictionary<string, JsonElement> values, StepResponse response, CancellationToken ct)
    {
        var expect = step.Step.Expect;
        var mismatches = new List<Mismatch>();
        var accepted = expect.Status.Count > 0 ? expect.Status.Contains(response.Status) : response.Status is >= 200 and < 300;
        if (!accepted)
        {
            mismatches.Add(new Mismatch("status", "status code mismatch",
                expect.Status.Count > 0 ? string.Join(" or ", expect.Status) : "2xx", response.Status.ToString(CultureInfo.InvariantCulture)));
        }

        foreach (var (name, compiled) in step.Headers)
        {
            var expected = compiled ?? CompiledStep.HeaderValue(Variables.Fill(expect.Headers![name], values));
            var actual = response.Headers.TryGetValue(name, out var value) ? JsonSerializer.SerializeToElement(value) : default;
            foreach (var mismatch in JsonMatcher.Match(expected, actual, ct: ct))
            {
                mismatches.Add(mismatch with { Path = $"headers.{name}" });
            }
        }

        if (expect.JsonBody is null)
        {
            return mismatches;
        }

        if (step.Body is null)
        {
            if (response.Body.Length > 0)
            {
                mismatches.Add(new Mismatch("$", "expected an empty body", "(empty)", Truncate(response.Body), "empty", "text"));
            }

            return mismatches;
        }

        if (response.Body.Trim().Length == 0)
        {
            mismatches.Add(new Mismatch("$", "expected a JSON body, got an empty one", Truncate(expect.JsonBody), "(empty)", step.Body.TypeName, "empty"));
            return mismatches;
        }

        // A matching body is read once and never parsed; the rest is parsed to explain the difference.
        if (expect.Match != Grader.Assignments.MatchMode.Text && StreamingMatch.Matches(step.Body, response.Body, values, ct))
        {
            return mismatches;
        }

        using var actualBody = JsonDocument.Parse(response.Body);
        var found = JsonMatcher.Match(step.Body, actualBody.RootElement, values, ct);
        mismatches.AddRange(found);
        if (expect.Match == Grader.Assignments.MatchMode.Text && found.Count == 0)
        {
            // Opt-in for imported suites: numbers must also be written as the reference wrote them.
            using var expected = JsonDocument.Parse(Variables.FillJson(expect.JsonBody, values));
            NumberText.Compare(expected.RootElement, actualBody.RootElement, [], CompiledStep.Patterns(expect.Ignore), mismatches);
        }

        return mismatches;
    }

    public static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
