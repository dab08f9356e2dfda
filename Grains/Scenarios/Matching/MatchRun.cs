using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Grader.Assignments;
using Grader.Tasks;

namespace Grader.Scenarios;

/// <summary>One comparison of a compiled expected body with a parsed response, in one pass over the
/// response. Stops at the mismatch cap, and checks the token every so many values so a judging
/// deadline or a cancelled task ends it.</summary>
internal sealed partial class MatchRun(MatchOptions options, IReadOnlyDictionary<string, JsonElement>? values, CancellationToken ct)
{
    private const int TickMask = 1023;

    private readonly List<PathSegment> _path = [];
    private int _cap = options.MaxMismatches;
    private int _ticks;
    private MatchRun? _probe;

    public List<Mismatch> Mismatches { get; } = [];

    private bool Full => Mismatches.Count >= _cap;

    /// <summary>Whether a value at a path compares without a single mismatch: the streaming comparison asks
    /// this for the parts it does not walk itself (unordered arrays).</summary>
    internal static bool Fits(ExpectedNode expected, JsonElement actual, MatchOptions options,
        IReadOnlyDictionary<string, JsonElement>? values, List<PathSegment> path, CancellationToken ct)
    {
        var run = new MatchRun(options, values, ct) { _cap = 1 };
        run._path.AddRange(path);
        run.Compare(expected, actual);
        return run.Mismatches.Count == 0;
    }

    public void Compare(ExpectedNode expected, JsonElement actual)
    {
        if (Full || expected.Ignored)
        {
            return;
        }

        Tick();
        if (expected.Kind is NodeKind.Variable or NodeKind.Template)
        {
            expected = Resolve(expected);
        }

        if (expected.Kind == NodeKind.Matcher)
        {
            ApplyMatcher(expected, actual);
            return;
        }

        if (actual.ValueKind == JsonValueKind.Undefined)
        {
            Add("missing key", expected.Preview, null, JsonMatcher.TypeName(expected.ValueKind), "missing");
            return;
        }

        var expectedType = JsonMatcher.TypeName(expected.ValueKind);
        var actualType = JsonMatcher.TypeName(actual.ValueKind);
        if (expectedType != actualType)
        {
            Add($"type mismatch: expected {expectedType}, got {actualType}", expected.Preview, JsonMatcher.Preview(actual), expectedType, actualType);
            return;
        }

        CompareSameType(expected, actual);
    }

    private void CompareSameType(ExpectedNode expected, JsonElement actual)
    {
        switch (expected.Kind)
        {
            case NodeKind.Object:
                CompareObjects(expected, actual);
                break;
            case NodeKind.Array when expected.Unordered:
                CompareUnordered(expected, actual);
                break;
            case NodeKind.Array:
                CompareOrdered(expected, actual);
                break;
            case NodeKind.Number when !NumbersEqual(expected, actual):
            case NodeKind.Literal when expected.ValueKind != actual.ValueKind:
                Add("value mismatch", expected.Element.GetRawText(), actual.GetRawText(), expected.ValueKind, actual.ValueKind);
                break;
            case NodeKind.String:
                // Identical raw text is the common case and needs no decoding; a leading \# is an
                // escape, so such strings compare decoded.
                if ((expected.Escaped || !SameRawText(expected.Element, actual)) && !actual.ValueEquals(expected.TextUtf8))
                {
                    CompareStrings(expected.Text!, actual.GetString()!);
                }

                break;
        }
    }

    private void CompareObjects(ExpectedNode expected, JsonElement actual)
    {
        var count = expected.Keys.Length;
        var slots = ArrayPool<JsonElement>.Shared.Rent(count);
        Array.Clear(slots, 0, count);
        List<JsonProperty>? unexpected = null;
        var lenient = options.Mode == MatchMode.Lenient;
        try
        {
            // One pass over the actual keys: in the expected order each is found at once, out of
            // order by a lookup, so wide objects cost their size, not its square.
            var next = 0;
            foreach (var property in actual.EnumerateObject())
            {
                Tick();
                var k = next < count && property.NameEquals(expected.KeysUtf8[next]) ? next : expected.Find(property);
                if (k >= 0)
                {
                    slots[k] = property.Value;
                    next = k + 1;
                }
                else if (!lenient && (unexpected?.Count ?? 0) < _cap && !IgnoredKey(property.Name))
                {
                    (unexpected ??= []).Add(property);
                }
            }

            for (var k = 0; k < count && !Full; k++)
            {
                _path.Add(PathSegment.Property(expected.Keys[k]));
                Compare(expected.Children[k], slots[k]);
                _path.RemoveAt(_path.Count - 1);
            }

            foreach (var property in unexpected ?? [])
            {
                _path.Add(PathSegment.Property(property.Name));
                Add("unexpected key", null, JsonMatcher.Preview(property.Value), "missing", JsonMatcher.TypeName(property.Value.ValueKind));
                _path.RemoveAt(_path.Count - 1);
            }
        }
        finally
        {
            ArrayPool<JsonElement>.Shared.Return(slots, clearArray: true);
        }
    }

    private bool IgnoredKey(string key)
    {
        if (options.Ignore is not { Count: > 0 } ignore)
        {
            return false;
        }

        _path.Add(PathSegment.Property(key));
        var ignored = ignore.Any(p => p.Matches(_path));
        _path.RemoveAt(_path.Count - 1);
        return ignored;
    }

    private void CompareStrings(string expected, string actual)
    {
        if (expected == actual)
        {
            return;
        }

        if (string.Concat(expected.Where(c => !char.IsWhiteSpace(c))) == string.Concat(actual.Where(c => !char.IsWhiteSpace(c))))
        {
            Add("value mismatch: only white space differs", ShowWhiteSpace(expected), ShowWhiteSpace(actual), "string", "string");
            return;
        }

        Add("value mismatch", JsonMatcher.Quote(expected), JsonMatcher.Truncate(JsonMatcher.Quote(actual)), "string", "string");
    }

    private bool NumbersEqual(ExpectedNode expected, JsonElement actual)
    {
        if (SameRawText(expected.Element, actual) || expected.Number == JsonNumber.Parse(actual.GetRawText()))
        {
            return true;
        }

        if (options.Tolerance == 0)
        {
            return false;
        }

        var difference = Math.Abs(expected.Element.GetDouble() - actual.GetDouble());
        return !double.IsNaN(difference) && difference <= (double)options.Tolerance;
    }

    private void ApplyMatcher(ExpectedNode matcher, JsonElement actual)
    {
        if (matcher.MatcherAccepts(ActualValue.Of(actual)))
        {
            return;
        }

        var kind = actual.ValueKind;
        var keyword = matcher.Keyword;

        var failure = kind == JsonValueKind.Undefined ? "missing key" : keyword?.FailureFor(matcher.Argument) ?? "value mismatch";
        var expectedType = keyword?.ExpectedType ?? "string";
        Add(failure, matcher.MatcherText, kind == JsonValueKind.Undefined ? null : JsonMatcher.Preview(actual),
            matcher.Optional ? expectedType + ", null or missing" : expectedType, JsonMatcher.TypeName(kind));
    }

    /// <summary>Fills a reference from the captured values; without one it stays the literal text.</summary>
    private ExpectedNode Resolve(ExpectedNode reference) => Resolve(reference, options, values, _path);

    /// <summary>Fills a reference at a path; both the full comparison and the streaming one call it.</summary>
    internal static ExpectedNode Resolve(ExpectedNode reference, MatchOptions options, IReadOnlyDictionary<string, JsonElement>? values, List<PathSegment> path)
    {
        var text = reference.Text!;
        JsonElement value;
        if (reference.Kind == NodeKind.Variable)
        {
            value = values is not null && values.TryGetValue(Variables.WholeReferenceName(text)!, out var captured) ? captured : reference.Element;
        }
        else
        {
            value = values is null ? reference.Element : JsonSerializer.SerializeToElement(Variables.Fill(text, values));
        }

        return ExpectedBody.Fill(value, options, path);
    }

    private void Tick()
    {
        if ((++_ticks & TickMask) == 0)
        {
            ct.ThrowIfCancellationRequested();
        }
    }

    private void Add(string reason, string? expected, string? actual, JsonValueKind expectedKind, JsonValueKind actualKind) =>
        Add(reason, expected, actual, JsonMatcher.TypeName(expectedKind), JsonMatcher.TypeName(actualKind));

    private void Add(string reason, string? expected, string? actual, string expectedType, string actualType)
    {
        if (Full)
        {
            return;
        }

        var aligned = false;
        foreach (var segment in _path)
        {
            aligned |= segment.ActualIndex >= 0;
        }

        Mismatches.Add(new Mismatch(JsonPathPattern.Render(_path), reason, expected, actual, expectedType, actualType,
            aligned ? JsonPathPattern.Render(_path, actualSide: true) : null));
    }

    /// <summary>Compares the raw UTF-8 text of two values without allocating.</summary>
    private static bool SameRawText(JsonElement a, JsonElement b) =>
        JsonMarshal.GetRawUtf8Value(a).SequenceEqual(JsonMarshal.GetRawUtf8Value(b));

    private static string ShowWhiteSpace(string value) =>
        JsonMatcher.Quote(value.Replace(' ', '·').Replace("\t", "→").Replace("\r", "␍").Replace("\n", "␊"));
}
