using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Grader.Scenarios.Suites;

/// <summary>Turns a YAML value into JSON text with YAML 1.2 core-schema typing: plain <c>42</c> is a
/// number, <c>"42"</c> a string, <c>true</c> a boolean, <c>~</c> null. Number literals keep their text
/// (1.0 stays 1.0). On the way it checks matchers and notes every <c>{{variable}}</c> used, by place.</summary>
internal static partial class YamlJson
{
    public static string Convert(YamlNodeAt node, SuiteReport report, List<(string Name, YamlNodeAt At)> uses, bool checkMatchers)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var budget = YamlTree.MaxNodes;
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            try
            {
                Write(node, writer, report, uses, checkMatchers, ref budget);
            }
            catch (TooLargeException)
            {
                // Aliases share nodes, so a few lines can stand for a huge value ("billion laughs").
                report.Error(node, $"this value has more than {YamlTree.MaxNodes} nodes once its aliases are expanded");
                return "null";
            }
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private sealed class TooLargeException : Exception;

    private static void Write(YamlNodeAt node, Utf8JsonWriter writer, SuiteReport report, List<(string, YamlNodeAt)> uses, bool checkMatchers, ref int budget)
    {
        if (--budget < 0)
        {
            throw new TooLargeException();
        }

        switch (node)
        {
            case YamlMappingAt mapping:
                writer.WriteStartObject();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (key, value) in mapping.Entries)
                {
                    if (key is not YamlScalarAt { Value: var name })
                    {
                        // The usual cause: an unquoted {{var}} is a YAML mapping inside a mapping.
                        report.Error(key, "an object key must be text; to use a variable as a value write it in quotes: \"{{name}}\"");
                        continue;
                    }

                    if (!seen.Add(name))
                    {
                        report.Error(key, $"duplicate key '{name}'");
                        continue;
                    }

                    writer.WritePropertyName(name);
                    Write(value, writer, report, uses, checkMatchers, ref budget);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceAt sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Items)
                {
                    Write(item, writer, report, uses, checkMatchers, ref budget);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarAt scalar:
                WriteScalar(scalar, writer, report, uses, checkMatchers);
                break;
        }
    }

    private static void WriteScalar(YamlScalarAt scalar, Utf8JsonWriter writer, SuiteReport report, List<(string, YamlNodeAt)> uses, bool checkMatchers)
    {
        var text = scalar.Value;
        if (scalar.IsPlain)
        {
            if (scalar.IsNull)
            {
                writer.WriteNullValue();
                return;
            }

            if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
            {
                writer.WriteBooleanValue(text[0] is 't' or 'T');
                return;
            }

            if (JsonNumberPattern().IsMatch(text))
            {
                writer.WriteRawValue(text);
                return;
            }

            if (YamlNumber(text) is { } number)
            {
                writer.WriteRawValue(number);
                return;
            }

            if (text is ".inf" or ".Inf" or ".INF" or "+.inf" or "-.inf" or ".nan" or ".NaN" or ".NAN")
            {
                report.Error(scalar, $"{text} has no JSON form; write it in quotes if you mean the text");
                writer.WriteNullValue();
                return;
            }
        }

        foreach (var name in Variables.UsedIn(text))
        {
            uses.Add((name, scalar));
        }

        if (checkMatchers)
        {
            report.ErrorIf(scalar, SuiteRules.Matcher(text));
        }

        writer.WriteStringValue(text);
    }

    /// <summary>True when the text, written as a plain YAML scalar, would still read as this string
    /// (not as null, a boolean or a number); the writer quotes everything else.</summary>
    public static bool ReadsBackAsString(string text) =>
        text.Length > 0 && text is not ("~" or "null" or "Null" or "NULL" or "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        && !JsonNumberPattern().IsMatch(text) && YamlNumber(text) is null && !text.Contains(".inf", StringComparison.OrdinalIgnoreCase)
        && !text.Contains(".nan", StringComparison.OrdinalIgnoreCase);

    /// <summary>YAML integers in other notations (+1, 007, 0x1F, 0o17) and floats such as .5 or 1.
    /// become plain JSON numbers.</summary>
    private static string? YamlNumber(string text)
    {
        if (YamlIntPattern().Match(text) is { Success: true } integer)
        {
            var digits = integer.Groups[2].Value;
            var value = digits.StartsWith("0x", StringComparison.Ordinal)
                ? BigInteger.Parse("0" + digits[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)
                : digits.StartsWith("0o", StringComparison.Ordinal)
                    ? digits[2..].Aggregate(BigInteger.Zero, (acc, c) => (acc * 8) + (c - '0'))
                    : BigInteger.Parse(digits, CultureInfo.InvariantCulture);
            return (integer.Groups[1].Value == "-" ? -value : value).ToString(CultureInfo.InvariantCulture);
        }

        if (YamlFloatPattern().IsMatch(text))
        {
            var sign = text.StartsWith('-') ? "-" : "";
            var body = text.TrimStart('+', '-');
            var exponent = body.IndexOfAny(['e', 'E']);
            var mantissa = exponent < 0 ? body : body[..exponent];
            var suffix = exponent < 0 ? "" : body[exponent..];
            mantissa = mantissa.StartsWith('.') ? "0" + mantissa : mantissa;
            mantissa = mantissa.EndsWith('.') ? mantissa + "0" : mantissa;
            mantissa = mantissa.TrimStart('0') is { Length: > 0 } trimmed && trimmed[0] != '.' ? trimmed : "0" + mantissa.TrimStart('0');
            var candidate = sign + mantissa + suffix;
            return JsonNumberPattern().IsMatch(candidate) ? candidate : null;
        }

        return null;
    }

    [GeneratedRegex(@"^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$")]
    private static partial Regex JsonNumberPattern();

    [GeneratedRegex(@"^([-+]?)(0x[0-9a-fA-F]+|0o[0-7]+|[0-9]+)$")]
    private static partial Regex YamlIntPattern();

    [GeneratedRegex(@"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")]
    private static partial Regex YamlFloatPattern();
}
