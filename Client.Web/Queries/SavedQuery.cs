using System.Globalization;
using System.Text.RegularExpressions;

namespace Grader.Web.Queries;

public enum QueryParameterType
{
    Integer,
    Text,
}

/// <summary>One named input of a saved query, bound as <c>@name</c>; never spliced into the text.</summary>
public sealed record QueryParameter(string Name, QueryParameterType Type, string Default, string Label)
{
    /// <summary>The typed value of what a user typed (or the default when blank), or the reason it is not one.</summary>
    public (object? Value, string? Error) Bind(string? input)
    {
        var text = string.IsNullOrWhiteSpace(input) ? Default : input.Trim();
        return Type switch
        {
            QueryParameterType.Integer when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => (n, null),
            QueryParameterType.Integer => (null, $"{Label} must be a whole number, not '{text}'."),
            _ => (text, null),
        };
    }
}

/// <summary>A named, parametrised, read-only query over the grain state and the read model, kept as a
/// <c>.sql</c> file in <c>Client.Web/Queries/Saved</c>. Its header says what it is:
/// <code>
/// -- title: Stuck tasks
/// -- description: Tasks that are not finished and have not changed for a while.
/// -- param: minutes integer 30 Minutes without a change
/// </code></summary>
public sealed partial record SavedQuery(string Name, string Title, string Description, IReadOnlyList<QueryParameter> Parameters, string Sql)
{
    public static SavedQuery Parse(string name, string text)
    {
        var errors = new List<string>();
        string? title = null;
        var description = "";
        var parameters = new List<QueryParameter>();
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length && lines[i].StartsWith("--", StringComparison.Ordinal); i++)
        {
            var match = HeaderLine().Match(lines[i]);
            if (!match.Success)
            {
                continue;
            }

            var value = match.Groups["value"].Value.Trim();
            switch (match.Groups["key"].Value)
            {
                case "title":
                    title = value;
                    break;
                case "description":
                    description = description.Length == 0 ? value : description + " " + value;
                    break;
                case "param" when ParseParameter(value, i + 1) is { } parsed:
                    if (parsed.Error is not null)
                    {
                        errors.Add(parsed.Error);
                    }
                    else
                    {
                        parameters.Add(parsed.Parameter!);
                    }

                    break;
            }
        }

        if (string.IsNullOrEmpty(title))
        {
            errors.Add("the header has no '-- title:' line");
        }

        foreach (var parameter in parameters.Where(p => !Regex.IsMatch(text, $@"@{Regex.Escape(p.Name)}\b")))
        {
            errors.Add($"parameter '{parameter.Name}' is declared but the query never uses @{parameter.Name}");
        }

        if (parameters.GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            errors.Add($"parameter '{twice.Key}' is declared twice");
        }

        return errors.Count > 0
            ? throw new FormatException($"Saved query '{name}': {string.Join("; ", errors)}.")
            : new SavedQuery(name, title!, description, parameters, text);
    }

    private static (QueryParameter? Parameter, string? Error)? ParseParameter(string value, int line)
    {
        var parts = value.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length < 3 || !ParameterName().IsMatch(parts[0]))
        {
            return (null, $"line {line}: a parameter is '-- param: <name> <integer|text> <default> [label]'");
        }

        if (!Enum.TryParse<QueryParameterType>(parts[1], ignoreCase: true, out var type))
        {
            return (null, $"line {line}: parameter '{parts[0]}' has the unknown type '{parts[1]}' (integer or text)");
        }

        var parameter = new QueryParameter(parts[0], type, parts[2], parts.Length > 3 ? parts[3] : parts[0]);
        return parameter.Bind(null).Error is { } error ? (null, $"line {line}: the default of '{parts[0]}' is wrong: {error}") : (parameter, null);
    }

    [GeneratedRegex(@"^--\s*(?<key>title|description|param)\s*:(?<value>.*)$")]
    private static partial Regex HeaderLine();

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex ParameterName();
}
