using System.Runtime.InteropServices;
using System.Text.Json;

namespace Grader.Scenarios;

/// <summary>What a matcher of the vocabulary sees of an actual value: its kind and, for a scalar, its raw
/// JSON text (quotes included for strings). The same view comes from a parsed document and straight from
/// a reader's token, so each matcher's rule is written once for both comparisons.</summary>
public readonly ref struct ActualValue
{
    public ActualValue(JsonValueKind kind, ReadOnlySpan<byte> raw)
    {
        Kind = kind;
        Raw = raw;
    }

    public JsonValueKind Kind { get; }

    /// <summary>The scalar's text as written; empty for objects, arrays and a missing value.</summary>
    public ReadOnlySpan<byte> Raw { get; }

    public static ActualValue Of(JsonElement value) => value.ValueKind is JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.Undefined
        ? new ActualValue(value.ValueKind, default)
        : new ActualValue(value.ValueKind, JsonMarshal.GetRawUtf8Value(value));

    /// <summary>As <see cref="JsonElement.TryGetGuid"/>: the same reader rules decide, escapes included.</summary>
    public bool TryGetGuid()
    {
        var reader = Reader();
        return reader.TryGetGuid(out _);
    }

    public string GetString()
    {
        var reader = Reader();
        return reader.GetString()!;
    }

    public bool TextEquals(string text)
    {
        var reader = Reader();
        return reader.ValueTextEquals(text);
    }

    private Utf8JsonReader Reader()
    {
        var reader = new Utf8JsonReader(Raw);
        reader.Read();
        return reader;
    }
}
