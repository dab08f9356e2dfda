using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Grader.Assignments;
using Grader.Tasks;

namespace Grader.Scenarios;

/// <summary>Compares an actual JSON document with an expected one and lists every difference by
/// JSONPath. Key order, white space and number format never matter (1 equals 1.0). Expected string
/// values may be matchers: <c>#ignore #present #notpresent #null #notnull #string #number #integer
/// #boolean #array #object #uuid #datetime #regex &lt;re&gt;</c>; <c>##type</c> also accepts a missing
/// key or null; a leading <c>\#</c> is a literal '#'.</summary>
public static partial class JsonMatcher
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(200);
    private const int ValuePreviewLength = 120;

    public static IReadOnlyList<Mismatch> Match(JsonElement expected, JsonElement actual, MatchOptions? options = null)
    {
        var run = new Run(options ?? MatchOptions.Default);
        run.Compare(expected, actual, []);
        return run.Mismatches;
    }

    /// <summary>Parses both texts first; a text that is not JSON is reported, never thrown.</summary>
    public static IReadOnlyList<Mismatch> Match(string expectedJson, string actualJson, MatchOptions? options = null)
    {
        using var expected = JsonDocument.Parse(expectedJson);
        JsonDocument actual;
        try
        {
            actual = JsonDocument.Parse(actualJson);
        }
        catch (JsonException e)
        {
            return [new Mismatch("$", "the response is not valid JSON: " + e.Message, Preview(expected.RootElement), Truncate(actualJson),
                TypeName(expected.RootElement.ValueKind), InvalidJsonType)];
        }

        using (actual)
        {
            return Match(expected.RootElement, actual.RootElement, options);
        }
    }

    public static bool IsMatcher(string value) => value.StartsWith('#');

    /// <summary>The actual type shown when a body is not JSON at all.</summary>
    public const string InvalidJsonType = "invalid JSON";

    /// <summary>The matcher names a suite may use, for validation.</summary>
    public static IReadOnlySet<string> MatcherNames { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "ignore", "present", "notpresent", "null", "notnull", "string", "number", "integer",
        "boolean", "array", "object", "uuid", "datetime", "regex",
    };

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

    internal static string Preview(JsonElement element) =>
        element.ValueKind == JsonValueKind.Undefined ? "(missing)" : Truncate(element.GetRawText());

    private static string Truncate(string text) =>
        text.Length <= ValuePreviewLength ? text : text[..ValuePreviewLength] + $"… ({text.Length} chars)";

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)?$")]
    private static partial Regex IsoDateTime();

    /// <summary>Shows text as written: students read these, so no \uXXXX escapes. Pages encode it for HTML.</summary>
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    internal static string Quote(string value) => JsonSerializer.Serialize(value, Readable);

    private sealed class Run(MatchOptions options)
    {
        public List<Mismatch> Mismatches { get; } = [];

        private bool Full => Mismatches.Count >= options.MaxMismatches;

        private void Add(List<PathSegment> path, string reason, string? expected, string? actual, string expectedType, string actualType)
        {
            if (!Full)
            {
                Mismatches.Add(new Mismatch(JsonPathPattern.Render(path), reason, expected, actual, expectedType, actualType));
            }
        }

        private void Add(List<PathSegment> path, string reason, JsonElement expected, JsonElement actual, string? expectedText, string? actualText) =>
            Add(path, reason, expectedText, actualText, TypeName(expected.ValueKind), TypeName(actual.ValueKind));

        private bool Ignored(List<PathSegment> path) =>
            options.Ignore is { Count: > 0 } ignore && ignore.Any(p => p.Matches(path));

        public void Compare(JsonElement expected, JsonElement actual, List<PathSegment> path)
        {
            if (Full || Ignored(path))
            {
                return;
            }

            if (expected.ValueKind == JsonValueKind.String && MayBeMatcher(expected) && expected.GetString() is { } text && text.StartsWith('#'))
            {
                ApplyMatcher(text, actual, path);
                return;
            }

            if (actual.ValueKind == JsonValueKind.Undefined)
            {
                Add(path, "missing key", expected, actual, Preview(expected), null);
                return;
            }

            var expectedType = TypeName(expected.ValueKind);
            var actualType = TypeName(actual.ValueKind);
            if (expectedType != actualType)
            {
                Add(path, $"type mismatch: expected {expectedType}, got {actualType}", expected, actual, Preview(expected), Preview(actual));
                return;
            }

            switch (expected.ValueKind)
            {
                case JsonValueKind.Object:
                    CompareObjects(expected, actual, path);
                    break;
                case JsonValueKind.Array:
                    if (options.Unordered is { Count: > 0 } unordered && unordered.Any(p => p.Matches(path)))
                    {
                        CompareUnordered(expected, actual, path);
                    }
                    else
                    {
                        CompareOrdered(expected, actual, path);
                    }

                    break;
                case JsonValueKind.Number:
                    if (!NumbersEqual(expected, actual))
                    {
                        Add(path, "value mismatch", expected, actual, expected.GetRawText(), actual.GetRawText());
                    }

                    break;
                case JsonValueKind.String:
                    // Identical raw text is the common case and needs no decoding; a leading \# is
                    // an escape, so such strings take the decoding path.
                    if (!SameRawText(expected, actual) || StartsWithEscapedHash(expected))
                    {
                        CompareStrings(Unescape(expected.GetString()!), actual.GetString()!, path);
                    }

                    break;
                case JsonValueKind.True or JsonValueKind.False:
                    if (expected.ValueKind != actual.ValueKind)
                    {
                        Add(path, "value mismatch", expected, actual, expected.GetRawText(), actual.GetRawText());
                    }

                    break;
            }
        }

        private void CompareStrings(string expected, string actual, List<PathSegment> path)
        {
            if (expected == actual)
            {
                return;
            }

            if (string.Concat(expected.Where(c => !char.IsWhiteSpace(c))) == string.Concat(actual.Where(c => !char.IsWhiteSpace(c))))
            {
                Add(path, "value mismatch: only white space differs", ShowWhiteSpace(expected), ShowWhiteSpace(actual), "string", "string");
                return;
            }

            Add(path, "value mismatch", Quote(expected), Truncate(Quote(actual)), "string", "string");
        }

        private void CompareObjects(JsonElement expected, JsonElement actual, List<PathSegment> path)
        {
            var found = 0;
            foreach (var property in expected.EnumerateObject())
            {
                path.Add(PathSegment.Property(property.Name));
                var present = actual.TryGetProperty(property.Name, out var value);
                found += present ? 1 : 0;
                Compare(property.Value, present ? value : default, path);
                path.RemoveAt(path.Count - 1);
            }

            // Every actual key was expected when the counts agree, so only a surplus needs the key-by-key walk.
            if (options.Mode == MatchMode.Lenient || found == actual.GetPropertyCount())
            {
                return;
            }

            var actualKeys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in actual.EnumerateObject())
            {
                actualKeys.Add(property.Name);
            }

            foreach (var property in expected.EnumerateObject())
            {
                actualKeys.Remove(property.Name);
            }

            foreach (var key in actualKeys)
            {
                path.Add(PathSegment.Property(key));
                if (!Ignored(path))
                {
                    var value = actual.GetProperty(key);
                    Add(path, "unexpected key", default, value, null, Preview(value));
                }

                path.RemoveAt(path.Count - 1);
            }
        }

        private void CompareOrdered(JsonElement expected, JsonElement actual, List<PathSegment> path)
        {
            var expectedLength = expected.GetArrayLength();
            var actualLength = actual.GetArrayLength();
            if (expectedLength != actualLength)
            {
                Add(path, $"array length mismatch: expected {expectedLength} items, got {actualLength}", expected, actual, null, null);
            }

            // Enumerators, not indexers: JsonElement's indexer walks from the start for arrays of
            // objects, which made large bodies quadratic.
            using var expectedItems = expected.EnumerateArray();
            using var actualItems = actual.EnumerateArray();
            for (var i = 0; expectedItems.MoveNext() && actualItems.MoveNext(); i++)
            {
                path.Add(PathSegment.Item(i));
                Compare(expectedItems.Current, actualItems.Current, path);
                path.RemoveAt(path.Count - 1);
            }
        }

        /// <summary>Pairs expected with actual items as a maximum matching (augmenting paths after a first-fit
        /// pass), so a general item such as "#string" never takes the only item a specific one fits.</summary>
        private void CompareUnordered(JsonElement expected, JsonElement actual, List<PathSegment> path)
        {
            var expectedItems = expected.EnumerateArray().ToList();
            var actualItems = actual.EnumerateArray().ToList();
            var fits = new Dictionary<(int, int), bool>();
            bool Fits(int i, int j)
            {
                if (!fits.TryGetValue((i, j), out var fit))
                {
                    fit = fits[(i, j)] = Probe(expectedItems[i], actualItems[j], path, i, 1).Count == 0;
                }

                return fit;
            }

            var expectedPartner = Enumerable.Repeat(-1, expectedItems.Count).ToArray();
            var actualPartner = Enumerable.Repeat(-1, actualItems.Count).ToArray();
            for (var i = 0; i < expectedItems.Count; i++)
            {
                for (var j = 0; j < actualItems.Count && expectedPartner[i] < 0; j++)
                {
                    if (actualPartner[j] < 0 && Fits(i, j))
                    {
                        (expectedPartner[i], actualPartner[j]) = (j, i);
                    }
                }
            }

            bool Augment(int i, bool[] visited)
            {
                for (var j = 0; j < actualItems.Count; j++)
                {
                    if (!visited[j] && Fits(i, j))
                    {
                        visited[j] = true;
                        if (actualPartner[j] < 0 || Augment(actualPartner[j], visited))
                        {
                            (expectedPartner[i], actualPartner[j]) = (j, i);
                            return true;
                        }
                    }
                }

                return false;
            }

            for (var i = 0; i < expectedItems.Count; i++)
            {
                if (expectedPartner[i] < 0)
                {
                    Augment(i, new bool[actualItems.Count]);
                }
            }

            // An actual item already shown as some expected item's nearest candidate is not listed again.
            var named = new HashSet<int>();
            for (var i = 0; i < expectedItems.Count && !Full; i++)
            {
                if (expectedPartner[i] >= 0)
                {
                    continue;
                }

                path.Add(PathSegment.Item(i));
                var candidates = Enumerable.Range(0, actualItems.Count).Where(j => actualPartner[j] < 0).ToList();
                if (candidates.Count == 0)
                {
                    Add(path, "unmatched array item: no actual items left", expectedItems[i], default, Preview(expectedItems[i]), null);
                }
                else
                {
                    var (best, differences) = candidates
                        .Select(j => (j, Probe(expectedItems[i], actualItems[j], path[..^1], i, 20)))
                        .MinBy(c => c.Item2.Count);
                    var first = differences[0];
                    named.Add(best);
                    Add(path, $"unmatched array item: nearest candidate is item [{best}], which differs at {first.Path} ({first.Reason})",
                        expectedItems[i], actualItems[best], Preview(expectedItems[i]), Preview(actualItems[best]));
                }

                path.RemoveAt(path.Count - 1);
            }

            for (var j = 0; j < actualItems.Count; j++)
            {
                if (actualPartner[j] < 0 && !named.Contains(j))
                {
                    path.Add(PathSegment.Item(j));
                    Add(path, "unexpected array item", default, actualItems[j], null, Preview(actualItems[j]));
                    path.RemoveAt(path.Count - 1);
                }
            }
        }

        private List<Mismatch> Probe(JsonElement expectedItem, JsonElement actualItem, List<PathSegment> arrayPath, int index, int cap)
        {
            var probe = new Run(options with { MaxMismatches = cap });
            probe.Compare(expectedItem, actualItem, [.. arrayPath, PathSegment.Item(index)]);
            return probe.Mismatches;
        }

        private bool NumbersEqual(JsonElement expected, JsonElement actual)
        {
            if (SameRawText(expected, actual) || JsonNumber.Parse(expected.GetRawText()) == JsonNumber.Parse(actual.GetRawText()))
            {
                return true;
            }

            if (options.Tolerance == 0)
            {
                return false;
            }

            var difference = Math.Abs(expected.GetDouble() - actual.GetDouble());
            return !double.IsNaN(difference) && difference <= (double)options.Tolerance;
        }

        private void ApplyMatcher(string text, JsonElement actual, List<PathSegment> path)
        {
            var optional = text.StartsWith("##", StringComparison.Ordinal);
            if (optional)
            {
                if (actual.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
                {
                    return;
                }

                text = text[1..];
            }

            var space = text.IndexOf(' ');
            var name = space < 0 ? text[1..] : text[1..space];
            var argument = space < 0 ? null : text[(space + 1)..];
            var kind = actual.ValueKind;
            string? failure = name switch
            {
                "ignore" => null,
                "present" => kind == JsonValueKind.Undefined ? "missing key" : null,
                "notpresent" => kind == JsonValueKind.Undefined ? null : "expected the key to be absent",
                "null" => kind == JsonValueKind.Null ? null : "expected null",
                "notnull" => kind is JsonValueKind.Null or JsonValueKind.Undefined ? "expected a value other than null" : null,
                "string" => kind == JsonValueKind.String ? null : "expected a string",
                "number" => kind == JsonValueKind.Number ? null : "expected a number",
                "integer" => kind == JsonValueKind.Number && JsonNumber.Parse(actual.GetRawText()).IsInteger ? null : "expected an integer",
                "boolean" => kind is JsonValueKind.True or JsonValueKind.False ? null : "expected a boolean",
                "array" => kind == JsonValueKind.Array ? null : "expected an array",
                "object" => kind == JsonValueKind.Object ? null : "expected an object",
                "uuid" => kind == JsonValueKind.String && Guid.TryParseExact(actual.GetString(), "D", out _) ? null : "expected a UUID",
                "datetime" => kind == JsonValueKind.String && IsDateTime(actual.GetString()!) ? null : "expected an ISO 8601 date-time",
                "regex" => kind == JsonValueKind.String && FullMatch(argument ?? "", actual.GetString()!) ? null : $"expected a string matching /{argument}/",
                _ => Literal(text, actual),
            };
            if (failure is null)
            {
                return;
            }

            if (kind == JsonValueKind.Undefined && failure != "expected the key to be absent")
            {
                failure = "missing key";
            }

            var expectedType = MatcherType(name);
            Add(path, failure, text, kind == JsonValueKind.Undefined ? null : Preview(actual),
                optional ? expectedType + ", null or missing" : expectedType, TypeName(kind));
        }

        /// <summary>The type a matcher asks for, shown next to the actual type.</summary>
        private static string MatcherType(string name) => name switch
        {
            "ignore" or "present" => "any",
            "notpresent" => "missing",
            "notnull" => "any but null",
            "uuid" => "string (UUID)",
            "datetime" => "string (ISO 8601 date-time)",
            "regex" => "string (pattern)",
            "null" or "string" or "number" or "integer" or "boolean" or "array" or "object" => name,
            _ => "string",
        };

        /// <summary>An unknown '#word' is compared as plain text; suite validation rejects it earlier.</summary>
        private static string? Literal(string text, JsonElement actual) =>
            actual.ValueKind == JsonValueKind.String && actual.GetString() == text ? null : "value mismatch";

        private static string Unescape(string value) => value.StartsWith(@"\#", StringComparison.Ordinal) ? value[1..] : value;

        /// <summary>ISO 8601 / RFC 3339 only: a date, optionally a time with seconds, fraction and offset.</summary>
        private static bool IsDateTime(string value) =>
            IsoDateTime().IsMatch(value) &&
            DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind | DateTimeStyles.AssumeUniversal, out _);

        private static bool FullMatch(string pattern, string value)
        {
            try
            {
                return Regex.IsMatch(value, $"^(?:{pattern})$", RegexOptions.CultureInvariant, RegexTimeout);
            }
            catch (RegexMatchTimeoutException)
            {
                return false;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        /// <summary>Compares the raw UTF-8 text of two values without allocating.</summary>
        private static bool SameRawText(JsonElement a, JsonElement b) =>
            JsonMarshal.GetRawUtf8Value(a).SequenceEqual(JsonMarshal.GetRawUtf8Value(b));

        /// <summary>Cheap pre-check on the raw text ("#… or an escape that might decode to '#').</summary>
        private static bool MayBeMatcher(JsonElement value)
        {
            var raw = JsonMarshal.GetRawUtf8Value(value);
            return raw.Length > 1 && raw[1] is (byte)'#' or (byte)'\\';
        }

        private static bool StartsWithEscapedHash(JsonElement value)
        {
            var raw = JsonMarshal.GetRawUtf8Value(value);
            return raw.Length > 2 && raw[1] == (byte)'\\';
        }

        private static string ShowWhiteSpace(string value) =>
            Quote(value.Replace(' ', '·').Replace("\t", "→").Replace("\r", "␍").Replace("\n", "␊"));
    }
}
