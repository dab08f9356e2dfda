using System.Text.Json;
using Grader.Assignments;
using Grader.Tasks;

namespace Grader.Scenarios.Execution;

/// <summary>Takes a step's captures out of its response. A body value keeps its JSON type; a header is a
/// string. A capture that finds nothing is a mismatch: later steps cannot use it.</summary>
public static class CaptureExtractor
{
    /// <param name="paths">The compiled path of each capture (null for header captures).</param>
    public static Dictionary<string, JsonElement> Extract(IReadOnlyList<StepCapture> captures, IReadOnlyList<JsonPathPattern?> paths, StepResponse response, List<Mismatch> mismatches)
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        JsonDocument? body = null;
        try
        {
            for (var i = 0; i < captures.Count; i++)
            {
                var capture = captures[i];
                if (capture.Header is { } header)
                {
                    if (response.Headers.TryGetValue(header, out var text))
                    {
                        values[capture.Name] = JsonSerializer.SerializeToElement(text);
                    }
                    else
                    {
                        mismatches.Add(new Mismatch($"headers.{header}", $"capture '{capture.Name}': the response has no {header} header", "(a header)", null, "string", "missing"));
                    }

                    continue;
                }

                var path = paths[i]!;
                if (body is null && !TryParse(response.Body, out body))
                {
                    mismatches.Add(new Mismatch(path.Text, $"capture '{capture.Name}': the response is not JSON", "(a value)", ResponseJudge.Truncate(response.Body), "any", JsonMatcher.InvalidJsonType));
                    continue;
                }

                if (path.TrySelect(body!.RootElement, out var value))
                {
                    values[capture.Name] = value.Clone();
                }
                else
                {
                    mismatches.Add(new Mismatch(path.Text, $"capture '{capture.Name}': the response has no value here", "(a value)", null, "any", "missing"));
                }
            }
        }
        finally
        {
            body?.Dispose();
        }

        return values;
    }

    private static bool TryParse(string text, out JsonDocument? document)
    {
        try
        {
            document = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            document = null;
            return false;
        }
    }
}
