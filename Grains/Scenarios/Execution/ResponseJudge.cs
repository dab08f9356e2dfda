using System.Globalization;
using System.Text.Json;
using Grader.Assignments;
using Grader.Tasks;

namespace Grader.Scenarios.Execution;

/// <summary>Compares a response with a step's expectations (variables already filled in) and lists
/// every difference. Throws <see cref="JsonException"/> when a JSON body was expected and the response
/// is not JSON: that is an error, not a wrong answer.</summary>
public static class ResponseJudge
{
    public static List<Mismatch> Judge(StepExpectation expect, string? expectedBody, StepResponse response)
    {
        var mismatches = new List<Mismatch>();
        var accepted = expect.Status.Count > 0 ? expect.Status.Contains(response.Status) : response.Status is >= 200 and < 300;
        if (!accepted)
        {
            mismatches.Add(new Mismatch("status", "status code mismatch",
                expect.Status.Count > 0 ? string.Join(" or ", expect.Status) : "2xx", response.Status.ToString(CultureInfo.InvariantCulture)));
        }

        foreach (var (name, expectedValue) in expect.Headers ?? new Dictionary<string, string>())
        {
            var actual = response.Headers.TryGetValue(name, out var value) ? JsonSerializer.SerializeToElement(value) : default;
            foreach (var mismatch in JsonMatcher.Match(JsonSerializer.SerializeToElement(expectedValue), actual))
            {
                mismatches.Add(mismatch with { Path = $"headers.{name}" });
            }
        }

        if (expectedBody is null)
        {
            return mismatches;
        }

        if (expectedBody.Length == 0)
        {
            if (response.Body.Length > 0)
            {
                mismatches.Add(new Mismatch("$", "expected an empty body", "(empty)", Truncate(response.Body), "empty", "text"));
            }

            return mismatches;
        }

        if (response.Body.Trim().Length == 0)
        {
            mismatches.Add(new Mismatch("$", "expected a JSON body, got an empty one", Truncate(expectedBody), "(empty)", TypeOf(expectedBody), "empty"));
            return mismatches;
        }

        using var actualBody = JsonDocument.Parse(response.Body);
        using var expected = JsonDocument.Parse(expectedBody);
        var options = new MatchOptions(expect.Match, Patterns(expect.Ignore), Patterns(expect.Unordered), expect.Tolerance);
        var found = JsonMatcher.Match(expected.RootElement, actualBody.RootElement, options);
        mismatches.AddRange(found);
        if (expect.Match == MatchMode.Text && found.Count == 0)
        {
            NumberText.Compare(expected.RootElement, actualBody.RootElement, [], options.Ignore, mismatches);
        }

        return mismatches;
    }

    public static List<JsonPathPattern>? Patterns(IReadOnlyList<string>? paths) => paths?.Select(JsonPathPattern.Parse).ToList();

    public static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private static string TypeOf(string json)
    {
        using var document = JsonDocument.Parse(json);
        return JsonMatcher.TypeName(document.RootElement.ValueKind);
    }
}
