using System.Text.Json;
using Grader.Assignments;

namespace Grader.Scenarios;

/// <summary>Objects and arrays: by their token bytes while those agree, else node by node.</summary>
internal sealed partial class StreamingMatch
{
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
}
