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
internal sealed class StreamingMatch
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

    /// <summary>Reads one container while its tokens equal the expected ones (see <see cref="TokenText"/>).</summary>
    private bool SameTokens(ref Utf8JsonReader reader, ReadOnlySpan<byte> tokens)
    {
        var depth = 0;
        var at = 0;
        do
        {
            Tick();
            var type = reader.TokenType;
            if (at == tokens.Length || tokens[at++] != (byte)type)
            {
                return false;
            }

            switch (type)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    depth++;
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    depth--;
                    break;
                case JsonTokenType.PropertyName or JsonTokenType.String or JsonTokenType.Number:
                    var raw = reader.ValueSpan;
                    if (!tokens[at..].StartsWith(raw))
                    {
                        return false;
                    }

                    at += raw.Length;
                    break;
            }
        }
        while (depth > 0 && reader.Read());

        return depth == 0 && at == tokens.Length;
    }

    private void Tick()
    {
        if ((++_ticks & TickMask) == 0)
        {
            _ct.ThrowIfCancellationRequested();
        }
    }

    private bool Object(ref Utf8JsonReader reader, ExpectedNode expected)
    {
        var count = expected.Keys.Length;
        var seen = _seenTop;
        if (_seen.Length < seen + count)
        {
            Array.Resize(ref _seen, Math.Max(_seen.Length * 2, seen + count));
        }

        Array.Clear(_seen, seen, count);
        _seenTop += count;
        var next = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var k = next < count && reader.ValueTextEquals(expected.KeysUtf8[next]) ? next : Find(ref reader, expected);
            if (k < 0)
            {
                if (!Unexpected(ref reader))
                {
                    return false;
                }

                continue;
            }

            // A repeated key has every value compared, the full comparison its last only: equal values
            // agree, and any difference sends the body to the full comparison.
            _seen[seen + k] = true;
            next = k + 1;
            reader.Read();
            _path.Add(PathSegment.Property(expected.Keys[k]));
            if (!Value(ref reader, expected.Children[k]))
            {
                return false;
            }

            _path.RemoveAt(_path.Count - 1);
        }

        for (var k = 0; k < count; k++)
        {
            if (!_seen[seen + k] && !Missing(expected.Children[k], expected.Keys[k]))
            {
                return false;
            }
        }

        _seenTop = seen;
        return true;
    }

    /// <summary>A key the expected object does not have: fine in lenient mode or on an ignored path.</summary>
    private bool Unexpected(ref Utf8JsonReader reader)
    {
        if (_options.Mode != MatchMode.Lenient)
        {
            if (_options.Ignore is not { Count: > 0 } ignore)
            {
                return false;
            }

            _path.Add(PathSegment.Property(reader.GetString()!));
            var ignored = false;
            foreach (var rule in ignore)
            {
                ignored |= rule.Matches(_path);
            }

            _path.RemoveAt(_path.Count - 1);
            if (!ignored)
            {
                return false;
            }
        }

        reader.Read();
        reader.Skip();
        return true;
    }

    /// <summary>An expected key the response lacks: only an ignored value or a matcher that accepts absence passes.</summary>
    private bool Missing(ExpectedNode expected, string key)
    {
        if (expected.Ignored)
        {
            return true;
        }

        if (expected.Kind is NodeKind.Variable or NodeKind.Template)
        {
            _path.Add(PathSegment.Property(key));
            expected = MatchRun.Resolve(expected, _options, _values, _path);
            _path.RemoveAt(_path.Count - 1);
        }

        return expected.Kind == NodeKind.Matcher && expected.MatcherAccepts(new ActualValue(JsonValueKind.Undefined, default));
    }

    /// <summary>The index of an expected key, or -1, without making a string of the name when it is short.</summary>
    private static int Find(ref Utf8JsonReader reader, ExpectedNode expected)
    {
        if (expected.KeyIndex is not { } index)
        {
            for (var k = 0; k < expected.KeysUtf8.Length; k++)
            {
                if (reader.ValueTextEquals(expected.KeysUtf8[k]))
                {
                    return k;
                }
            }

            return -1;
        }

        // An escaped name never has more characters than raw bytes.
        if (reader.ValueSpan.Length > StackNameChars)
        {
            return index.TryGetValue(reader.GetString()!, out var wide) ? wide : -1;
        }

        Span<char> name = stackalloc char[StackNameChars];
        var written = reader.CopyString(name);
        return index.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name[..written], out var found) ? found : -1;
    }

    /// <summary>Equal lengths compare item by item; any other length is a difference (the full comparison names it).</summary>
    private bool Ordered(ref Utf8JsonReader reader, ExpectedNode expected)
    {
        var items = expected.Items;
        var i = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (i == items.Length)
            {
                return false;
            }

            _path.Add(PathSegment.Item(i));
            if (!Value(ref reader, items[i]))
            {
                return false;
            }

            _path.RemoveAt(_path.Count - 1);
            i++;
        }

        return i == items.Length;
    }

    /// <summary>Pairing items needs them all at hand, so this array alone is parsed and compared as a document.
    /// A length that differs always leaves an item unpaired.</summary>
    private bool Unordered(ref Utf8JsonReader reader, ExpectedNode expected)
    {
        using var items = JsonDocument.ParseValue(ref reader);
        return items.RootElement.GetArrayLength() == expected.Items.Length
            && MatchRun.Fits(expected, items.RootElement, _options, _values, _path, _ct);
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
