using System.Text;
using System.Text.Json;

namespace Grader.Scenarios;

/// <summary>One step of a concrete location inside a JSON document: an object key or an array index.</summary>
/// <param name="ActualIndex">Where an aligned array item sits in the actual body, when that differs from
/// <paramref name="Index"/> (the expected position) or the item exists only there; otherwise -1.</param>
public readonly record struct PathSegment(string? Key, int Index, int ActualIndex = -1)
{
    public static PathSegment Property(string key) => new(key, -1);

    public static PathSegment Item(int index) => new(null, index);

    public static PathSegment Item(int index, int actualIndex) => new(null, index, actualIndex);
}

/// <summary>A small JSONPath subset for ignore and unordered rules: <c>$</c>, <c>.name</c>, <c>['name']</c>,
/// <c>[3]</c>, <c>[*]</c>, <c>.*</c> and <c>..name</c> (any depth). A bare <c>id</c> means <c>$.id</c>,
/// so the reference system's top-level ignored properties work unchanged.</summary>
public sealed class JsonPathPattern
{
    private enum Kind { Child, AnyChild, Index, AnyIndex, Descendant }

    private readonly record struct Part(Kind Kind, string? Name, int Index);

    private readonly Part[] _parts;

    private JsonPathPattern(string text, Part[] parts)
    {
        Text = text;
        _parts = parts;
    }

    public string Text { get; }

    public override string ToString() => Text;

    public static JsonPathPattern Parse(string text)
    {
        var source = text.Trim();
        if (source.Length == 0)
        {
            throw new FormatException("A JSONPath must not be empty.");
        }

        var s = source.StartsWith('$') ? source[1..] : (source.StartsWith('.') || source.StartsWith('[') ? source : "." + source);
        var parts = new List<Part>();
        var i = 0;
        while (i < s.Length)
        {
            if (s[i] == '.')
            {
                var descendant = i + 1 < s.Length && s[i + 1] == '.';
                i += descendant ? 2 : 1;
                var start = i;
                while (i < s.Length && s[i] != '.' && s[i] != '[')
                {
                    i++;
                }

                var name = s[start..i];
                if (name.Length == 0)
                {
                    throw new FormatException($"'{source}' is not a valid JSONPath: a name is missing after '.' at position {start}.");
                }

                parts.Add(descendant ? new Part(Kind.Descendant, name == "*" ? null : name, -1)
                    : name == "*" ? new Part(Kind.AnyChild, null, -1) : new Part(Kind.Child, name, -1));
            }
            else if (s[i] == '[' && i + 1 < s.Length && (s[i + 1] == '\'' || s[i + 1] == '"'))
            {
                // A quoted name may hold any character; a backslash escapes the quote or itself.
                var quote = s[i + 1];
                var name = new StringBuilder();
                var k = i + 2;
                for (; k < s.Length && s[k] != quote; k++)
                {
                    name.Append(s[k] == '\\' && k + 1 < s.Length ? s[++k] : s[k]);
                }

                if (k + 1 >= s.Length || s[k + 1] != ']')
                {
                    throw new FormatException($"'{source}' is not a valid JSONPath: the quoted name at position {i + 1} has no closing {quote}].");
                }

                parts.Add(new Part(Kind.Child, name.ToString(), -1));
                i = k + 2;
            }
            else if (s[i] == '[')
            {
                var close = s.IndexOf(']', i);
                if (close < 0)
                {
                    throw new FormatException($"'{source}' is not a valid JSONPath: '[' without a closing ']'.");
                }

                var inner = s[(i + 1)..close].Trim();
                if (inner == "*")
                {
                    parts.Add(new Part(Kind.AnyIndex, null, -1));
                }
                else if (int.TryParse(inner, out var index) && index >= 0)
                {
                    parts.Add(new Part(Kind.Index, null, index));
                }
                else
                {
                    throw new FormatException($"'{source}' is not a valid JSONPath: '[{inner}]' is neither an index, '*' nor a quoted name.");
                }

                i = close + 1;
            }
            else
            {
                throw new FormatException($"'{source}' is not a valid JSONPath: unexpected '{s[i]}' at position {i}.");
            }
        }

        return new JsonPathPattern(source, parts.ToArray());
    }

    public bool Matches(IReadOnlyList<PathSegment> path) => Matches(path, 0, 0);

    /// <summary>True when the path names at most one value: no wildcard and no descent, as captures need.</summary>
    public bool IsSingleValue => _parts.All(p => p.Kind is Kind.Child or Kind.Index);

    /// <summary>Finds the one value a single-value path names; false when it is not there.</summary>
    public bool TrySelect(JsonElement root, out JsonElement value)
    {
        if (!IsSingleValue)
        {
            throw new InvalidOperationException($"'{Text}' can name more than one value.");
        }

        value = root;
        foreach (var part in _parts)
        {
            if (part.Kind == Kind.Child)
            {
                if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(part.Name!, out value))
                {
                    return false;
                }
            }
            else if (value.ValueKind != JsonValueKind.Array || part.Index >= value.GetArrayLength())
            {
                return false;
            }
            else
            {
                value = value[part.Index];
            }
        }

        return true;
    }

    private bool Matches(IReadOnlyList<PathSegment> path, int p, int q)
    {
        if (q == _parts.Length)
        {
            return p == path.Count;
        }

        var part = _parts[q];
        if (part.Kind == Kind.Descendant)
        {
            for (var k = p; k < path.Count; k++)
            {
                var matchesName = part.Name is null || path[k].Key == part.Name;
                if (matchesName && Matches(path, k + 1, q + 1))
                {
                    return true;
                }
            }

            return false;
        }

        if (p == path.Count)
        {
            return false;
        }

        var segment = path[p];
        var ok = part.Kind switch
        {
            Kind.Child => segment.Key == part.Name,
            Kind.AnyChild => segment.Key is not null,
            Kind.Index => segment.Key is null && segment.Index == part.Index,
            Kind.AnyIndex => segment.Key is null,
            _ => false,
        };
        return ok && Matches(path, p + 1, q + 1);
    }

    /// <summary>Renders a concrete path as <c>$.a[0]['odd key']</c>.</summary>
    /// <param name="actualSide">Array indexes as they are in the actual body (after alignment).</param>
    public static string Render(IReadOnlyList<PathSegment> path, bool actualSide = false)
    {
        var sb = new StringBuilder("$");
        foreach (var segment in path)
        {
            if (segment.Key is null)
            {
                sb.Append('[').Append(actualSide && segment.ActualIndex >= 0 ? segment.ActualIndex : segment.Index).Append(']');
            }
            else if (segment.Key.Length > 0 && segment.Key.All(c => char.IsLetterOrDigit(c) || c == '_'))
            {
                sb.Append('.').Append(segment.Key);
            }
            else
            {
                sb.Append("['").Append(segment.Key.Replace("\\", "\\\\").Replace("'", "\\'")).Append("']");
            }
        }

        return sb.ToString();
    }
}
