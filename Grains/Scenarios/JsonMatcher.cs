using System.Text.Json;
using Grader.Tasks;

namespace Grader.Scenarios;

/// <summary>Compares an actual JSON document with an expected one and lists every difference by
/// JSONPath. Key order, white space and number format never matter (1 equals 1.0). Expected string
/// values may be matchers (the rows of <see cref="MatcherVocabulary"/>); <c>##type</c> also accepts a
/// missing key or null; a leading <c>\#</c> is a literal '#'. Arrays of different lengths are aligned
/// before their items are compared. The expected side is compiled once (<see cref="ExpectedBody"/>);
/// a comparison walks the response once and stops at the mismatch cap or when the token is cancelled.</summary>
public static class JsonMatcher
{
    private const int ValuePreviewLength = 120;

    /// <summary>The actual type shown when a body is not JSON at all.</summary>
    public const string InvalidJsonType = "invalid JSON";

    /// <exception cref="OperationCanceledException">The token was cancelled (a judging deadline or a cancelled task).</exception>
    public static IReadOnlyList<Mismatch> Match(ExpectedBody expected, JsonElement actual,
        IReadOnlyDictionary<string, JsonElement>? values = null, CancellationToken ct = default)
    {
        var run = new MatchRun(expected.Options, values, ct);
        run.Compare(expected.Root, actual);
        return run.Mismatches;
    }

    /// <summary>Reads the response once when it matches; only a response that differs is parsed, to explain
    /// how. A text that is not JSON is reported, never thrown.</summary>
    public static IReadOnlyList<Mismatch> Match(ExpectedBody expected, string actualJson,
        IReadOnlyDictionary<string, JsonElement>? values = null, CancellationToken ct = default)
    {
        return StreamingMatch.Matches(expected, actualJson, values, ct) ? [] : Explain(expected, actualJson, values, ct);
    }

    /// <summary>The full comparison of a text: parses it and lists every difference.</summary>
    internal static IReadOnlyList<Mismatch> Explain(ExpectedBody expected, string actualJson,
        IReadOnlyDictionary<string, JsonElement>? values, CancellationToken ct)
    {
        JsonDocument actual;
        try
        {
            actual = JsonDocument.Parse(actualJson);
        }
        catch (JsonException e)
        {
            return [new Mismatch("$", "the response is not valid JSON: " + e.Message, expected.Preview, Truncate(actualJson),
                expected.TypeName, InvalidJsonType)];
        }

        using (actual)
        {
            return Match(expected, actual.RootElement, values, ct);
        }
    }

    /// <summary>Compiles the expected value for this one comparison; a suite compiles it once instead.</summary>
    public static IReadOnlyList<Mismatch> Match(JsonElement expected, JsonElement actual, MatchOptions? options = null) =>
        Match(ExpectedBody.From(expected, options), actual);

    public static IReadOnlyList<Mismatch> Match(string expectedJson, string actualJson, MatchOptions? options = null) =>
        Match(ExpectedBody.Parse(expectedJson, options), actualJson);

    public static bool IsMatcher(string value) => value.StartsWith('#');

    /// <summary>The matcher names a suite may use, for validation.</summary>
    public static IReadOnlySet<string> MatcherNames { get; } = MatcherVocabulary.All.Select(k => k.Name).ToHashSet(StringComparer.Ordinal);

    public static string TypeName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "missing",
    };

    /// <summary>Objects and arrays are written on one line whatever their layout, so the text of a verdict
    /// depends on the values alone: the grader's stored suite and the public YAML a student runs with
    /// <c>grader test</c> lay out the same expected body differently. Scalars keep their raw text
    /// (a number's spelling is part of what is compared).</summary>
    internal static string Preview(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Undefined => "(missing)",
        JsonValueKind.Object or JsonValueKind.Array => Truncate(Compact(element)),
        _ => Truncate(element.GetRawText()),
    };

    private static string Compact(JsonElement element)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Readable.Encoder }))
        {
            element.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    internal static string Truncate(string text) =>
        text.Length <= ValuePreviewLength ? text : text[..ValuePreviewLength] + $"… ({text.Length} chars)";

    /// <summary>Shows text as written: students read these, so no \uXXXX escapes. Pages encode it for HTML.</summary>
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    internal static string Quote(string value) => JsonSerializer.Serialize(value, Readable);
}
