using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Grader.Scenarios;

internal enum NodeKind
{
    Object,
    Array,
    String,
    Number,
    /// <summary>true, false or null: equal when the kinds are.</summary>
    Literal,
    Matcher,
    /// <summary>A string that is exactly one <c>{{name}}</c>: the captured value, with its JSON type.</summary>
    Variable,
    /// <summary>A string with <c>{{name}}</c> inside: filled with the captured values' text.</summary>
    Template,
}

/// <summary>One value of an expected body, compiled: keys as UTF-8 for allocation-free comparison,
/// numbers in exact form, matchers looked up in the vocabulary with their regex built, ignore and
/// unordered rules resolved against the node's own path, and the key arrays are aligned by.</summary>
internal sealed class ExpectedNode
{
    public const int LinearKeySearch = 8;

    public required NodeKind Kind { get; init; }

    /// <summary>The value in the compiled body's own (cloned) document: raw text and previews.</summary>
    public required JsonElement Element { get; init; }

    public bool Ignored { get; init; }

    public bool Unordered { get; init; }

    public string[] Keys { get; init; } = [];

    public byte[][] KeysUtf8 { get; init; } = [];

    public ExpectedNode[] Children { get; init; } = [];

    /// <summary>Key positions, for objects too wide for a linear scan.</summary>
    public Dictionary<string, int>? KeyIndex { get; init; }

    /// <summary>Array items (for arrays) share <see cref="Children"/>.</summary>
    public ExpectedNode[] Items => Children;

    /// <summary>A key whose literal value tells every expected item apart, for aligning arrays.</summary>
    public string? AlignKey { get; init; }

    /// <summary>Each item's value of <see cref="AlignKey"/> in canonical form.</summary>
    public string[]? ItemKeys { get; init; }

    /// <summary>Decoded text of strings (a leading <c>\#</c> already unescaped), the matcher's text, or the template.</summary>
    public string? Text { get; init; }

    public byte[]? TextUtf8 { get; init; }

    /// <summary>A string written with a leading <c>\#</c>: raw-text equality does not imply equality.</summary>
    public bool Escaped { get; init; }

    public JsonNumber Number { get; init; }

    public MatcherKeyword? Keyword { get; init; }

    public bool Optional { get; init; }

    public string? Argument { get; init; }

    public Regex? Pattern { get; init; }

    /// <summary>The matcher without its optional '#' (what the type names and failures speak of).</summary>
    public string? MatcherText { get; init; }

    /// <summary>Set on an object or array with only literal values inside (no matcher, reference, ignore or
    /// unordered rule, no repeated key, no escaped '#'): its tokens as the expected body wrote them. A
    /// response whose tokens are the same bytes matches it whatever its white space.</summary>
    public TokenText? Tokens { get; init; }

    public int TokenStart { get; init; }

    public int TokenEnd { get; init; }

    /// <summary>A scalar that equals any value written with the same token bytes.</summary>
    public bool IsPlainScalar => !Ignored && Kind switch
    {
        NodeKind.String => !Escaped,
        NodeKind.Number or NodeKind.Literal => true,
        _ => false,
    };

    public JsonValueKind ValueKind => Element.ValueKind;

    public string Preview => JsonMatcher.Preview(Element);

    /// <summary>Whether a matcher accepts a value (kind Undefined when the key is missing). An unknown
    /// '#word' is compared as plain text; suite validation rejects it earlier.</summary>
    public bool MatcherAccepts(ActualValue actual) =>
        (Optional && actual.Kind is JsonValueKind.Undefined or JsonValueKind.Null)
        || (Keyword?.Accepts(actual, Pattern) ?? (actual.Kind == JsonValueKind.String && actual.TextEquals(MatcherText!)));

    /// <summary>The index of an expected key, or -1: a short linear scan, a dictionary for wide objects.</summary>
    public int Find(JsonProperty property)
    {
        if (Keys.Length <= LinearKeySearch)
        {
            for (var k = 0; k < KeysUtf8.Length; k++)
            {
                if (property.NameEquals(KeysUtf8[k]))
                {
                    return k;
                }
            }

            return -1;
        }

        return KeyIndex!.TryGetValue(property.Name, out var index) ? index : -1;
    }

    /// <summary>A scalar's identity for alignment: strings by text, numbers by exact value.</summary>
    public static string? CanonicalKey(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "s" + value.GetString(),
        JsonValueKind.Number => JsonNumber.Parse(value.GetRawText()) is var n ? $"n{(n.Negative ? "-" : "")}{n.Digits}e{n.Exponent}" : null,
        JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null => value.GetRawText(),
        _ => null,
    };

    internal static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}

/// <summary>The token stream of a compiled body: for each token its <see cref="JsonTokenType"/> as one byte,
/// then for names, strings and numbers their raw bytes (no quotes). The type bytes are control characters,
/// which raw JSON tokens never contain, so equal streams mean token-for-token equal documents.</summary>
internal sealed class TokenText
{
    public byte[] Bytes { get; set; } = [];
}
