using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Grader.Assignments;

namespace Grader.Scenarios;

/// <summary>Decides whether a response matches its compiled expected body with no mismatch at all, in one
/// pass of a <see cref="Utf8JsonReader"/> over the response's UTF-8 text: no document is built, keys and
/// values compare as bytes. It answers true only when the full comparison (<see cref="MatchRun"/>) would
/// report nothing. Anything else answers false: a difference, text that is not JSON, a number only the
/// tolerance could accept, a repeated key with differing values. The caller then runs the full
/// comparison, which explains the difference with the same messages as ever, so a wrong answer costs a
/// second pass and a right one none.</summary>
internal sealed partial class StreamingMatch
{
    private const int TickMask = 1023;
    private const int StackNameChars = 256;

    /// <summary>Throws on a lone surrogate, as System.Text.Json's own transcoding does: such a body takes the full path.</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly MatchOptions _options;
    private readonly IReadOnlyDictionary<string, JsonElement>? _values;
    private readonly CancellationToken _ct;
    private readonly byte[] _json;
    private readonly List<PathSegment> _path = [];

    /// <summary>Which expected keys each open object has met so far, one slice per nesting level.</summary>
    private bool[] _seen = new bool[64];
    private int _seenTop;
    private int _ticks;

    private StreamingMatch(MatchOptions options, IReadOnlyDictionary<string, JsonElement>? values, byte[] json, CancellationToken ct)
    {
        _options = options;
        _values = values;
        _json = json;
        _ct = ct;
    }

    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static bool Matches(ExpectedBody expected, string actualJson, IReadOnlyDictionary<string, JsonElement>? values, CancellationToken ct)
    {
        if (expected.Options.MaxMismatches <= 0)
        {
            // Nothing is reported but invalid JSON; the full path decides that.
            return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(StrictUtf8.GetMaxByteCount(actualJson.Length));
        try
        {
            var length = StrictUtf8.GetBytes(actualJson, buffer);
            var run = new StreamingMatch(expected.Options, values, buffer, ct);
            var reader = new Utf8JsonReader(buffer.AsSpan(0, length));
            // Read past the root's end too: trailing text makes the body invalid, as a parse says.
            return reader.Read() && run.Value(ref reader, expected.Root) && !reader.Read();
        }
        // A number too large to read exactly (an exponent past a long) is left to the full path too.
        catch (Exception e) when (e is JsonException or EncoderFallbackException or OverflowException or FormatException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The reader stands on the value's first token; on true it stands on its last.</summary>
    private bool Value(ref Utf8JsonReader reader, ExpectedNode expected)
    {
        Tick();
        if (expected.Ignored)
        {
            reader.Skip();
            return true;
        }

        if (expected.Tokens is { } text)
        {
            // The same tokens as the expected body: no node below needs a visit. Otherwise the reader goes
            // back to the value's start and the nodes are walked (key order may differ, 1.0 may be 1).
            var start = reader;
            if (SameTokens(ref reader, text.Bytes.AsSpan(expected.TokenStart, expected.TokenEnd - expected.TokenStart)))
            {
                return true;
            }

            reader = start;
        }

        if (expected.Kind is NodeKind.Variable or NodeKind.Template)
        {
            expected = MatchRun.Resolve(expected, _options, _values, _path);
        }

        return expected.Kind switch
        {
            NodeKind.Matcher => Matcher(ref reader, expected),
            NodeKind.Object => reader.TokenType == JsonTokenType.StartObject && Object(ref reader, expected),
            NodeKind.Array when reader.TokenType != JsonTokenType.StartArray => false,
            NodeKind.Array when expected.Unordered => Unordered(ref reader, expected),
            NodeKind.Array => Ordered(ref reader, expected),
            NodeKind.String => reader.TokenType == JsonTokenType.String && StringEquals(ref reader, expected),
            NodeKind.Number => reader.TokenType == JsonTokenType.Number && NumberEquals(ref reader, expected),
            _ => KindOf(reader.TokenType) == expected.ValueKind,
        };
    }

    private void Tick()
    {
        if ((++_ticks & TickMask) == 0)
        {
            _ct.ThrowIfCancellationRequested();
        }
    }

    private bool Matcher(ref Utf8JsonReader reader, ExpectedNode matcher)
    {
        var kind = KindOf(reader.TokenType);
        if (kind is JsonValueKind.Object or JsonValueKind.Array)
        {
            reader.Skip();
            return matcher.MatcherAccepts(new ActualValue(kind, default));
        }

        var start = (int)reader.TokenStartIndex;
        return matcher.MatcherAccepts(new ActualValue(kind, _json.AsSpan(start, (int)reader.BytesConsumed - start)));
    }

    /// <summary>Identical raw text needs no decoding; a leading \# is an escape, so such strings compare decoded.</summary>
    private static bool StringEquals(ref Utf8JsonReader reader, ExpectedNode expected)
    {
        var raw = reader.ValueSpan;
        if (!expected.Escaped && raw.SequenceEqual(JsonMarshal.GetRawUtf8Value(expected.Element)[1..^1]))
        {
            return true;
        }

        // Escapes that decode to the same text but not to the same bytes (lone surrogates) still compare equal as text.
        return reader.ValueTextEquals(expected.TextUtf8) || (raw.IndexOf((byte)'\\') >= 0 && reader.GetString() == expected.Text);
    }

    private bool NumberEquals(ref Utf8JsonReader reader, ExpectedNode expected)
    {
        var raw = reader.ValueSpan;
        if (raw.SequenceEqual(JsonMarshal.GetRawUtf8Value(expected.Element))
            || expected.Number == JsonNumber.Parse(Encoding.UTF8.GetString(raw)))
        {
            return true;
        }

        if (_options.Tolerance == 0 || !expected.Element.TryGetDouble(out var wanted) || !reader.TryGetDouble(out var got))
        {
            return false;
        }

        var difference = Math.Abs(wanted - got);
        return !double.IsNaN(difference) && difference <= (double)_options.Tolerance;
    }

    private static JsonValueKind KindOf(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => JsonValueKind.Object,
        JsonTokenType.StartArray => JsonValueKind.Array,
        JsonTokenType.String => JsonValueKind.String,
        JsonTokenType.Number => JsonValueKind.Number,
        JsonTokenType.True => JsonValueKind.True,
        JsonTokenType.False => JsonValueKind.False,
        JsonTokenType.Null => JsonValueKind.Null,
        _ => JsonValueKind.Undefined,
    };
}
