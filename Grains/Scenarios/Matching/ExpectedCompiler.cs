using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Grader.Scenarios;

/// <summary>Turns an expected JSON value into <see cref="ExpectedNode"/>s, resolving every rule that
/// depends only on the expected side once.</summary>
/// <param name="references">False when compiling a value already filled in: it is taken as written.</param>
internal sealed class ExpectedCompiler(MatchOptions options, bool references = true)
{
    private const int AlignKeyCandidates = 8;

    private readonly ArrayBufferWriter<byte> _tokens = new();
    private readonly TokenText _text = new();

    public bool SawVariables { get; private set; }

    /// <summary>Compiles one whole value (a body, or a reference filled in).</summary>
    public ExpectedNode Compile(JsonElement value, List<PathSegment> path)
    {
        var root = CompileValue(value, path);
        _text.Bytes = _tokens.WrittenSpan.ToArray();
        return root;
    }

    private ExpectedNode CompileValue(JsonElement value, List<PathSegment> path)
    {
        Emit(value.ValueKind switch
        {
            JsonValueKind.Object => JsonTokenType.StartObject,
            JsonValueKind.Array => JsonTokenType.StartArray,
            JsonValueKind.String => JsonTokenType.String,
            JsonValueKind.Number => JsonTokenType.Number,
            JsonValueKind.True => JsonTokenType.True,
            JsonValueKind.False => JsonTokenType.False,
            _ => JsonTokenType.Null,
        }, value.ValueKind switch
        {
            JsonValueKind.String => JsonMarshal.GetRawUtf8Value(value)[1..^1],
            JsonValueKind.Number => JsonMarshal.GetRawUtf8Value(value),
            _ => default,
        });
        var ignored = options.Ignore is { Count: > 0 } ignore && ignore.Any(p => p.Matches(path));
        return value.ValueKind switch
        {
            JsonValueKind.Object => CompileObject(value, path, ignored),
            JsonValueKind.Array => CompileArray(value, path, ignored),
            JsonValueKind.String => CompileString(value, ignored),
            JsonValueKind.Number => new ExpectedNode
            {
                Kind = NodeKind.Number,
                Element = value,
                Ignored = ignored,
                Number = JsonNumber.Parse(value.GetRawText()),
            },
            _ => new ExpectedNode { Kind = NodeKind.Literal, Element = value, Ignored = ignored },
        };
    }

    private void Emit(JsonTokenType type, ReadOnlySpan<byte> raw)
    {
        var span = _tokens.GetSpan(raw.Length + 1);
        span[0] = (byte)type;
        raw.CopyTo(span[1..]);
        _tokens.Advance(raw.Length + 1);
    }

    /// <summary>The token stream of a container whose every value compares by its bytes, else null.</summary>
    private TokenText? PlainText(bool ignored, bool plain, List<ExpectedNode> children)
    {
        foreach (var child in children)
        {
            plain &= child.Tokens is not null || child.IsPlainScalar;
        }

        return plain && !ignored ? _text : null;
    }

    private ExpectedNode CompileObject(JsonElement value, List<PathSegment> path, bool ignored)
    {
        var start = _tokens.WrittenCount - 1;
        var repeated = false;
        var keys = new List<string>();
        var children = new List<ExpectedNode>();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            path.Add(PathSegment.Property(property.Name));
            Emit(JsonTokenType.PropertyName, JsonMarshal.GetRawUtf8PropertyName(property));
            var child = CompileValue(property.Value, path);
            path.RemoveAt(path.Count - 1);
            // A repeated key keeps its last value, as a lookup in the parsed document did.
            if (positions.TryGetValue(property.Name, out var existing))
            {
                children[existing] = child;
                repeated = true;
                continue;
            }

            positions[property.Name] = keys.Count;
            keys.Add(property.Name);
            children.Add(child);
        }

        Emit(JsonTokenType.EndObject, default);
        return new ExpectedNode
        {
            Kind = NodeKind.Object,
            Element = value,
            Ignored = ignored,
            Tokens = PlainText(ignored, !repeated, children),
            TokenStart = start,
            TokenEnd = _tokens.WrittenCount,
            Keys = [.. keys],
            KeysUtf8 = keys.Select(ExpectedNode.Utf8).ToArray(),
            Children = [.. children],
            KeyIndex = keys.Count > ExpectedNode.LinearKeySearch ? positions : null,
        };
    }

    private ExpectedNode CompileArray(JsonElement value, List<PathSegment> path, bool ignored)
    {
        var start = _tokens.WrittenCount - 1;
        var items = new List<ExpectedNode>();
        foreach (var item in value.EnumerateArray())
        {
            path.Add(PathSegment.Item(items.Count));
            items.Add(CompileValue(item, path));
            path.RemoveAt(path.Count - 1);
        }

        Emit(JsonTokenType.EndArray, default);

        var unordered = options.Unordered is { Count: > 0 } rules && rules.Any(p => p.Matches(path));
        var (key, itemKeys) = unordered ? (null, null) : FindAlignKey(items);
        return new ExpectedNode
        {
            Kind = NodeKind.Array,
            Element = value,
            Ignored = ignored,
            Unordered = unordered,
            Tokens = PlainText(ignored, !unordered, items),
            TokenStart = start,
            TokenEnd = _tokens.WrittenCount,
            Children = [.. items],
            AlignKey = key,
            ItemKeys = itemKeys,
        };
    }

    /// <summary>"id" first, then the first item's keys: the first whose literal values are all different.</summary>
    private static (string?, string[]?) FindAlignKey(List<ExpectedNode> items)
    {
        if (items.Count < 2 || items.Any(i => i.Kind != NodeKind.Object))
        {
            return (null, null);
        }

        var candidates = new[] { "id" }.Concat(items[0].Keys.Where(k => k != "id")).Take(AlignKeyCandidates);
        foreach (var candidate in candidates)
        {
            var values = new string[items.Count];
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var usable = true;
            for (var i = 0; i < items.Count && usable; i++)
            {
                var k = Array.IndexOf(items[i].Keys, candidate);
                var child = k < 0 ? null : items[i].Children[k];
                usable = child is { Kind: NodeKind.String or NodeKind.Number or NodeKind.Literal, Escaped: false }
                    && ExpectedNode.CanonicalKey(child.Element) is { } canonical && seen.Add(values[i] = canonical);
            }

            if (usable)
            {
                return (candidate, values);
            }
        }

        return (null, null);
    }

    private ExpectedNode CompileString(JsonElement value, bool ignored)
    {
        var text = value.GetString()!;
        if (references && Variables.WholeReferenceName(text) is not null)
        {
            SawVariables = true;
            return new ExpectedNode { Kind = NodeKind.Variable, Element = value, Ignored = ignored, Text = text };
        }

        if (references && Variables.HasReference(text))
        {
            SawVariables = true;
            return new ExpectedNode { Kind = NodeKind.Template, Element = value, Ignored = ignored, Text = text };
        }

        if (text.StartsWith('#'))
        {
            return CompileMatcher(value, text, ignored);
        }

        var escaped = text.StartsWith(@"\#", StringComparison.Ordinal);
        var literal = escaped ? text[1..] : text;
        return new ExpectedNode
        {
            Kind = NodeKind.String,
            Element = value,
            Ignored = ignored,
            Text = literal,
            TextUtf8 = ExpectedNode.Utf8(literal),
            Escaped = escaped,
        };
    }

    private static ExpectedNode CompileMatcher(JsonElement value, string text, bool ignored)
    {
        var optional = text.StartsWith("##", StringComparison.Ordinal);
        var matcher = optional ? text[1..] : text;
        var space = matcher.IndexOf(' ');
        var name = space < 0 ? matcher[1..] : matcher[1..space];
        var argument = space < 0 ? null : matcher[(space + 1)..];
        var keyword = MatcherVocabulary.ByName.GetValueOrDefault(name);
        return new ExpectedNode
        {
            Kind = NodeKind.Matcher,
            Element = value,
            Ignored = ignored,
            Text = text,
            MatcherText = matcher,
            Optional = optional,
            Keyword = keyword,
            Argument = argument,
            Pattern = keyword is { TakesArgument: true } ? MatcherVocabulary.CompilePattern(argument) : null,
        };
    }
}
