using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Grader.Scenarios.Execution;

/// <summary>Turns a check's query with <c>@name</c> parameters into one with typed literals. A check runs
/// through a temporary view (so the objects it reads are fixed and verified before it runs), and a view
/// cannot hold bind parameters. Each literal carries the type the bound parameter had, so the query
/// means the same. Strings, quoted identifiers, dollar quotes and comments are skipped, as PostgreSQL's
/// own lexer would skip them, so a value or a name inside them is never touched.</summary>
public static class CheckQueryText
{
    /// <param name="parametersJson">A JSON object of named values, or null.</param>
    public static string Inline(string query, string? parametersJson)
    {
        if (parametersJson is null)
        {
            return query;
        }

        using var document = JsonDocument.Parse(parametersJson);
        var literals = document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => Literal(p.Value), StringComparer.Ordinal);
        var output = new StringBuilder(query.Length + 32);
        var i = 0;
        while (i < query.Length)
        {
            var skipped = SkipQuoted(query, i);
            if (skipped > i)
            {
                output.Append(query, i, skipped - i);
                i = skipped;
                continue;
            }

            if (query[i] == '@' && (i == 0 || !IsIdentifierPart(query[i - 1]) && query[i - 1] != '@')
                && i + 1 < query.Length && IsIdentifierStart(query[i + 1]))
            {
                var end = i + 1;
                while (end < query.Length && IsIdentifierPart(query[end]))
                {
                    end++;
                }

                if (literals.TryGetValue(query[(i + 1)..end], out var literal))
                {
                    output.Append(literal);
                    i = end;
                    continue;
                }
            }

            output.Append(query[i]);
            i++;
        }

        return output.ToString();
    }

    /// <summary>The value as PostgreSQL would have received it bound (text, int8, numeric, boolean,
    /// jsonb, or an untyped NULL).</summary>
    public static string Literal(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"({Quote(value.GetString()!)}::pg_catalog.text)",
        JsonValueKind.Number when value.TryGetInt64(out var whole) => $"({Quote(whole.ToString(CultureInfo.InvariantCulture))}::pg_catalog.int8)",
        JsonValueKind.Number => $"({Quote(value.GetDecimal().ToString(CultureInfo.InvariantCulture))}::pg_catalog.numeric)",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "NULL",
        _ => $"({Quote(value.GetRawText())}::pg_catalog.jsonb)",
    };

    /// <summary>A standard string literal (the checker's session pins standard_conforming_strings on).</summary>
    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>Where a quoted or commented stretch that starts at <paramref name="i"/> ends, or
    /// <paramref name="i"/> when none starts there.</summary>
    private static int SkipQuoted(string q, int i)
    {
        var c = q[i];
        if (c == '\'')
        {
            var escapes = i > 0 && q[i - 1] is 'E' or 'e' && (i == 1 || !IsIdentifierPart(q[i - 2]));
            return SkipString(q, i + 1, '\'', escapes);
        }

        if (c == '"')
        {
            return SkipString(q, i + 1, '"', backslashEscapes: false);
        }

        if (c == '-' && i + 1 < q.Length && q[i + 1] == '-')
        {
            var newline = q.IndexOf('\n', i);
            return newline < 0 ? q.Length : newline + 1;
        }

        if (c == '/' && i + 1 < q.Length && q[i + 1] == '*')
        {
            return SkipBlockComment(q, i);
        }

        if (c == '$' && (i == 0 || !IsIdentifierPart(q[i - 1])))
        {
            var end = i + 1;
            // A tag is an identifier without '$'; "$1" is a positional parameter, not a quote.
            while (end < q.Length && (end == i + 1 ? IsIdentifierStart(q[end]) : char.IsLetterOrDigit(q[end]) || q[end] == '_'))
            {
                end++;
            }

            if (end < q.Length && q[end] == '$')
            {
                var tag = q[i..(end + 1)];
                var close = q.IndexOf(tag, end + 1, StringComparison.Ordinal);
                return close < 0 ? q.Length : close + tag.Length;
            }
        }

        return i;
    }

    private static int SkipString(string q, int i, char quote, bool backslashEscapes)
    {
        while (i < q.Length)
        {
            if (backslashEscapes && q[i] == '\\')
            {
                i += 2;
                continue;
            }

            if (q[i] == quote)
            {
                if (i + 1 < q.Length && q[i + 1] == quote)
                {
                    i += 2;
                    continue;
                }

                return i + 1;
            }

            i++;
        }

        return q.Length;
    }

    private static int SkipBlockComment(string q, int i)
    {
        var depth = 0;
        while (i < q.Length)
        {
            if (q[i] == '/' && i + 1 < q.Length && q[i + 1] == '*')
            {
                depth++;
                i += 2;
            }
            else if (q[i] == '*' && i + 1 < q.Length && q[i + 1] == '/')
            {
                depth--;
                i += 2;
                if (depth == 0)
                {
                    return i;
                }
            }
            else
            {
                i++;
            }
        }

        return q.Length;
    }

    private static bool IsIdentifierStart(char c) => char.IsLetter(c) || c == '_';

    private static bool IsIdentifierPart(char c) => char.IsLetterOrDigit(c) || c == '_' || c == '$';
}
