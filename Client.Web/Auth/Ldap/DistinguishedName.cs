using System.Text;

namespace Grader.Web.Auth.Ldap;

/// <summary>One attribute type and value of an RDN, the value unescaped.</summary>
public sealed record DnAttribute(string Type, string Value);

/// <summary>A distinguished name read by RFC 4514's rules (spaces around separators are tolerated, as
/// servers do). Used to reject a malformed DN when an admin saves a source, and to compare group DNs
/// however they are spelled: case, spaces after commas and escapes do not matter.</summary>
public sealed class DistinguishedName
{
    private DistinguishedName(IReadOnlyList<IReadOnlyList<DnAttribute>> rdns)
    {
        Rdns = rdns;
        Normalized = string.Join(',', rdns.Select(rdn => string.Join('+', rdn
            .Select(a => $"{a.Type.ToLowerInvariant()}={DnValueEscaper.Escape(a.Value.ToLowerInvariant())}")
            .Order(StringComparer.Ordinal))));
    }

    public IReadOnlyList<IReadOnlyList<DnAttribute>> Rdns { get; }

    /// <summary>A canonical spelling: equal for two DNs that name the same entry (case-insensitively).</summary>
    public string Normalized { get; }

    public override string ToString() => Normalized;

    public static DistinguishedName? TryParse(string? text) => TryParse(text, out var dn, out _) ? dn : null;

    /// <param name="error">What is wrong and where (1-based character position).</param>
    /// <param name="errorPosition">0-based index of the offending character, or -1.</param>
    public static bool TryParse(string? text, out DistinguishedName? dn, out string? error) =>
        TryParse(text, out dn, out error, out _);

    public static bool TryParse(string? text, out DistinguishedName? dn, out string? error, out int errorPosition)
    {
        var reader = new Reader(text ?? "");
        var rdns = reader.ReadDn();
        dn = reader.Error is null ? new DistinguishedName(rdns) : null;
        error = reader.Error;
        errorPosition = reader.ErrorPosition;
        return dn is not null;
    }

    private sealed class Reader(string text) : LdapScanner(text)
    {
        public List<IReadOnlyList<DnAttribute>> ReadDn()
        {
            var rdns = new List<IReadOnlyList<DnAttribute>>();
            SkipSpaces();
            if (At == Text.Length)
            {
                Fail<object>("is empty");
                return rdns;
            }

            while (Error is null)
            {
                var rdn = new List<DnAttribute>();
                do
                {
                    var attribute = ReadAttribute();
                    if (attribute is null)
                    {
                        return rdns;
                    }

                    rdn.Add(attribute);
                }
                while (Take('+'));

                rdns.Add(rdn);
                if (At == Text.Length)
                {
                    break;
                }

                if (!Take(','))
                {
                    Fail<object>($"expected ',' or '+' but found '{Text[At]}'");
                }
            }

            return rdns;
        }

        private DnAttribute? ReadAttribute()
        {
            SkipSpaces();
            var start = At;
            while (At < Text.Length && (char.IsAsciiLetterOrDigit(Text[At]) || Text[At] is '-' or '.'))
            {
                At++;
            }

            var type = Text[start..At];
            if (!AttributeNames.IsValidType(type))
            {
                At = start;
                return Fail<DnAttribute>(type.Length == 0 ? "expected an attribute type such as 'uid' or 'ou'" : $"'{type}' is not an attribute type");
            }

            SkipSpaces();
            if (!Take('='))
            {
                return Fail<DnAttribute>($"expected '=' after '{type}'");
            }

            SkipSpaces();
            var value = At < Text.Length && Text[At] == '#' ? ReadHexValue() : ReadStringValue();
            return value is null ? null : new DnAttribute(type, value);
        }

        // "#" followed by the BER encoding in hex: kept as written, since only its bytes matter.
        private string? ReadHexValue()
        {
            var start = At++;
            while (At < Text.Length && char.IsAsciiHexDigit(Text[At]))
            {
                At++;
            }

            if (At - start < 3 || (At - start - 1) % 2 != 0)
            {
                return Fail<string>("a '#' value needs an even number of hex digits");
            }

            var value = Text[start..At];
            SkipSpaces();
            return value;
        }

        private string? ReadStringValue()
        {
            var value = new StringBuilder();
            var bytes = new List<byte>();
            var keep = 0; // length that trailing-space trimming may not cut into (escaped characters)
            while (At < Text.Length && Text[At] is not (',' or '+'))
            {
                var c = Text[At];
                if (c == '\\')
                {
                    if (At + 2 < Text.Length && char.IsAsciiHexDigit(Text[At + 1]) && char.IsAsciiHexDigit(Text[At + 2]))
                    {
                        bytes.Add(Convert.ToByte(Text.Substring(At + 1, 2), 16));
                        At += 3;
                        continue;
                    }

                    Flush(value, bytes);
                    if (At + 1 < Text.Length && Text[At + 1] is '"' or '+' or ',' or ';' or '<' or '>' or '\\' or ' ' or '#' or '=')
                    {
                        value.Append(Text[At + 1]);
                        At += 2;
                        keep = value.Length;
                        continue;
                    }

                    return Fail<string>("'\\' must be followed by a special character or two hex digits");
                }

                Flush(value, bytes);
                if (c is '"' or ';' or '<' or '>' or '\0')
                {
                    return Fail<string>($"'{c}' must be escaped inside a value");
                }

                value.Append(c);
                At++;
            }

            Flush(value, bytes);
            if (Error is not null)
            {
                return null;
            }

            // Spaces before a separator belong to the separator, unless escaped.
            var end = value.Length;
            while (end > keep && value[end - 1] == ' ')
            {
                end--;
            }

            return end == 0 ? Fail<string>("an attribute value is empty") : value.ToString(0, end);
        }

        private void Flush(StringBuilder value, List<byte> bytes)
        {
            if (bytes.Count == 0)
            {
                return;
            }

            try
            {
                value.Append(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray()));
            }
            catch (DecoderFallbackException)
            {
                Fail<object>("hex escapes must spell valid UTF-8");
            }

            bytes.Clear();
        }

        /// <summary><see cref="LdapScanner.Fail"/> where a value is returned.</summary>
        private T? Fail<T>(string message)
            where T : class
        {
            Fail(message);
            return null;
        }
    }
}
