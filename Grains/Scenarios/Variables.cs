using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Grader.Scenarios;

/// <summary><c>{{name}}</c> references to values captured by earlier steps. In text (paths, headers,
/// raw bodies) a reference becomes the value's text. In JSON, a string that is exactly one reference
/// becomes the captured value itself, so a captured number stays a number.</summary>
public static partial class Variables
{
    [GeneratedRegex(@"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$")]
    private static partial Regex WholeReference();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex NamePattern();

    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    /// <summary>The name when the whole text is one reference (<c>{{id}}</c>), otherwise null.</summary>
    public static string? WholeReferenceName(string text) =>
        text.Contains("{{", StringComparison.Ordinal) && WholeReference().Match(text) is { Success: true } whole ? whole.Groups[1].Value : null;

    public static bool HasReference(string text) => text.Contains("{{", StringComparison.Ordinal) && Reference().IsMatch(text);

    /// <summary>The names referenced in a text, in order, repeats included.</summary>
    public static IEnumerable<string> UsedIn(string? text) =>
        text is null || !text.Contains("{{", StringComparison.Ordinal)
            ? []
            : Reference().Matches(text).Select(m => m.Groups[1].Value);

    /// <summary>Every name referenced by the strings of a JSON document (keys are never templates).</summary>
    public static IEnumerable<string> UsedInJson(string? json)
    {
        if (string.IsNullOrEmpty(json) || !json.Contains("{{", StringComparison.Ordinal))
        {
            return [];
        }

        using var document = JsonDocument.Parse(json);
        var names = new List<string>();
        Collect(document.RootElement, names);
        return names;
    }

    /// <summary>Fills references in text; each value is written as its text (a string without quotes).</summary>
    /// <param name="encode">Applied to each value, e.g. URL encoding for paths.</param>
    public static string Fill(string text, IReadOnlyDictionary<string, JsonElement> values, Func<string, string>? encode = null) =>
        !text.Contains("{{", StringComparison.Ordinal)
            ? text
            : Reference().Replace(text, m => values.TryGetValue(m.Groups[1].Value, out var value)
                ? (encode ?? (s => s))(AsText(value))
                : m.Value);

    /// <summary>Fills references in a JSON document's strings; a string that is exactly one reference
    /// takes the captured value with its JSON type.</summary>
    public static string FillJson(string json, IReadOnlyDictionary<string, JsonElement> values)
    {
        if (!json.Contains("{{", StringComparison.Ordinal))
        {
            return json;
        }

        using var document = JsonDocument.Parse(json);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(document.RootElement, writer, values);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A value as text: strings without their quotes, everything else as JSON.</summary>
    public static string AsText(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    private static void Collect(JsonElement element, List<string> names)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Collect(property.Value, names);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, names);
                }

                break;
            case JsonValueKind.String:
                names.AddRange(UsedIn(element.GetString()));
                break;
        }
    }

    private static void Write(JsonElement element, Utf8JsonWriter writer, IReadOnlyDictionary<string, JsonElement> values)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    Write(property.Value, writer, values);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(item, writer, values);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                var text = element.GetString()!;
                if (WholeReference().Match(text) is { Success: true } whole && values.TryGetValue(whole.Groups[1].Value, out var value))
                {
                    value.WriteTo(writer);
                }
                else
                {
                    writer.WriteStringValue(Fill(text, values));
                }

                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
