using System.Globalization;

namespace Grader.Scenarios;

/// <summary>A JSON number in exact form: sign, significant digits without leading or trailing zeros,
/// and a power of ten. Equality on this form is exact at any size (1 equals 1.0 and 10e-1; 1e-30 does
/// not equal 2e-30; 1e400 equals itself), which neither decimal nor double gives.</summary>
public readonly record struct JsonNumber(bool Negative, string Digits, long Exponent)
{
    public bool IsInteger => Exponent >= 0;

    public static JsonNumber Parse(string raw)
    {
        var text = raw.AsSpan().Trim();
        var negative = text.Length > 0 && text[0] == '-';
        if (negative || (text.Length > 0 && text[0] == '+'))
        {
            text = text[1..];
        }

        long exponent = 0;
        var e = text.IndexOfAny('e', 'E');
        if (e >= 0)
        {
            exponent = long.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        var dot = text.IndexOf('.');
        string digits;
        if (dot >= 0)
        {
            digits = string.Concat(text[..dot], text[(dot + 1)..]);
            exponent -= text.Length - dot - 1;
        }
        else
        {
            digits = text.ToString();
        }

        digits = digits.TrimStart('0');
        var trimmed = digits.TrimEnd('0');
        exponent += digits.Length - trimmed.Length;
        return trimmed.Length == 0 ? new JsonNumber(false, "0", 0) : new JsonNumber(negative, trimmed, exponent);
    }
}
