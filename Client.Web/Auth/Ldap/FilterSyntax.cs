namespace Grader.Web.Auth.Ldap;

/// <summary>Checks a search filter against RFC 4515's grammar, so a broken filter template is refused
/// when an admin saves it rather than failing every sign-in later. Whitespace between the parts of
/// an and/or/not is tolerated, as servers do.</summary>
public static class FilterSyntax
{
    /// <returns>Null when the filter is well formed, else what is wrong.</returns>
    public static string? Check(string? filter) => Check(filter, out _);

    /// <param name="errorPosition">0-based index of the offending character, or -1.</param>
    public static string? Check(string? filter, out int errorPosition)
    {
        var reader = new Reader(filter ?? "");
        reader.ReadFilter();
        if (reader.Error is null && reader.At < (filter ?? "").Length)
        {
            reader.Fail("unexpected text after the filter's closing ')'");
        }

        errorPosition = reader.ErrorPosition;
        return reader.Error;
    }

    private sealed class Reader(string text) : LdapScanner(text)
    {
        public void ReadFilter()
        {
            if (!Take('('))
            {
                Fail(Text.Length == 0 ? "is empty" : "a filter must be enclosed in parentheses, e.g. (uid={username})");
                return;
            }

            if (At >= Text.Length)
            {
                Fail("ends after '('");
                return;
            }

            switch (Text[At])
            {
                case '&' or '|':
                    At++;
                    SkipSpaces();
                    if (At >= Text.Length || Text[At] != '(')
                    {
                        Fail($"'{Text[At - 1]}' needs at least one filter in parentheses");
                        return;
                    }

                    while (Error is null && At < Text.Length && Text[At] == '(')
                    {
                        ReadFilter();
                        SkipSpaces();
                    }

                    break;
                case '!':
                    At++;
                    SkipSpaces();
                    ReadFilter();
                    SkipSpaces();
                    break;
                default:
                    ReadItem();
                    break;
            }

            if (Error is null && !Take(')'))
            {
                Fail("expected ')'");
            }
        }

        // attr op value, where op is =, ~=, >=, <= or := (extensible match); the item ends at ')'.
        private void ReadItem()
        {
            var start = At;
            var equals = Text.IndexOf('=', start);
            var close = Text.IndexOf(')', start);
            if (equals < 0 || (close >= 0 && close < equals))
            {
                Fail("expected an assertion such as uid=value");
                return;
            }

            var op = equals > start && Text[equals - 1] is '~' or '>' or '<' or ':' ? Text[equals - 1] : '=';
            var description = Text[start..(op == '=' ? equals : equals - 1)];
            if (!(op == ':' ? IsExtensibleDescription(description) : IsAttributeDescription(description)))
            {
                At = start + FirstBadIndex(description);
                Fail(description.Length == 0 ? "expected an attribute name before the operator" : $"'{description}' is not an attribute description");
                return;
            }

            At = equals + 1;
            while (Error is null && At < Text.Length && Text[At] != ')')
            {
                switch (Text[At])
                {
                    case '\\' when At + 2 < Text.Length && char.IsAsciiHexDigit(Text[At + 1]) && char.IsAsciiHexDigit(Text[At + 2]):
                        At += 3;
                        break;
                    case '\\':
                        Fail("'\\' in a value must be followed by two hex digits");
                        break;
                    case '(' or '\0':
                        Fail($"'{(Text[At] == '\0' ? "NUL" : "(")}' must be escaped inside a value");
                        break;
                    case '*' when op != '=':
                        Fail("'*' (substring match) is only allowed after '='");
                        break;
                    default:
                        At++;
                        break;
                }
            }
        }

        private static bool IsAttributeDescription(string description)
        {
            var parts = description.Split(';');
            return AttributeNames.IsValidType(parts[0]) && parts.Skip(1).All(IsOption);
        }

        // [attr][:dn][:matchingRule] with at least an attribute or a rule.
        private static bool IsExtensibleDescription(string description)
        {
            var parts = description.Split(':');
            if (parts.Length == 0 || parts.Length > 3)
            {
                return false;
            }

            var hasAttribute = parts[0].Length > 0;
            if (hasAttribute && !IsAttributeDescription(parts[0]))
            {
                return false;
            }

            var rest = parts.Skip(1).ToList();
            if (rest.Count > 0 && rest[0].Equals("dn", StringComparison.OrdinalIgnoreCase))
            {
                rest.RemoveAt(0);
            }

            return rest.All(AttributeNames.IsValidType) && (hasAttribute || rest.Count == 1);
        }

        private static bool IsOption(string option) => option.Length > 0 && option.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

        private static int FirstBadIndex(string description)
        {
            var index = description.AsSpan().IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-;.:");
            return index < 0 ? 0 : index;
        }
    }
}
