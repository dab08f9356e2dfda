using System.Text.RegularExpressions;

namespace Grader.Scenarios.Suites;

/// <summary>The checks a suite's values must pass, shared by the YAML parser (which adds line and column)
/// and the assignment validator (which checks assignments sent as JSON). Each returns null when fine.</summary>
public static partial class SuiteRules
{
    public const int SupportedVersion = 1;

    public static readonly IReadOnlySet<string> Methods = new HashSet<string>(StringComparer.Ordinal)
    {
        "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS",
    };

    public static string? ScenarioId(string id) =>
        ScenarioIdPattern().IsMatch(id) ? null : $"scenario id '{id}' must be 1-64 letters, digits, '.', '-' or '_'";

    public static string? Method(string method) =>
        Methods.Contains(method.ToUpperInvariant()) ? null : $"method '{method}' is not one of {string.Join(", ", Methods)}";

    public static string? Path(string path) =>
        path.StartsWith('/') ? null : $"path '{path}' must start with '/'";

    public static string? Status(int status) =>
        status is >= 100 and <= 599 ? null : $"status {status} is not an HTTP status code";

    public static string? JsonPath(string path, bool singleValue = false)
    {
        try
        {
            var pattern = JsonPathPattern.Parse(path);
            return singleValue && !pattern.IsSingleValue
                ? $"'{path}' can name more than one value; a capture needs a path without '*' or '..'"
                : null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    public static string? VariableName(string name) =>
        Variables.IsValidName(name) ? null : $"'{name}' is not a valid variable name (letters, digits and '_', not starting with a digit)";

    public static string? HeaderName(string name) =>
        HeaderNamePattern().IsMatch(name) ? null : $"'{name}' is not a valid HTTP header name";

    public static string? TimeoutSeconds(double seconds) =>
        seconds is > 0 and <= 300 ? null : $"timeout {seconds} s must be more than 0 and at most 300 s";

    public static string? Retry(int attempts, double intervalSeconds) =>
        attempts is < 1 or > 20 ? $"retry attempts {attempts} must be between 1 and 20"
        : intervalSeconds is < 0 or > 60 ? $"retry interval {intervalSeconds} s must be between 0 and 60 s"
        : null;

    public static string? Points(decimal points) =>
        points is >= 0 and <= 1000 ? null : $"points {points} must be between 0 and 1000";

    /// <summary>A misspelt matcher would silently become a literal and fail every submission; a broken
    /// regex would fail at grading time instead of now.</summary>
    public static string? Matcher(string text)
    {
        if (!text.StartsWith('#'))
        {
            return null;
        }

        var body = text.StartsWith("##", StringComparison.Ordinal) ? text[2..] : text[1..];
        var space = body.IndexOf(' ');
        var name = space < 0 ? body : body[..space];
        if (!MatcherVocabulary.ByName.TryGetValue(name, out var keyword))
        {
            return $"unknown matcher '#{name}' (known: {string.Join(", ", MatcherVocabulary.All.Select(k => k.Name).Order(StringComparer.Ordinal).Select(n => "#" + n))}; write \\#{name} for the literal text)";
        }

        if (keyword.TakesArgument)
        {
            try
            {
                _ = new Regex(space < 0 ? "" : body[(space + 1)..], RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException e)
            {
                return $"the regex is invalid: {e.Message}";
            }
        }
        else if (space >= 0)
        {
            return $"matcher '#{name}' takes no argument (only {string.Join(", ", MatcherVocabulary.All.Where(k => k.TakesArgument).Select(k => "#" + k.Name))} does)";
        }

        return null;
    }

    /// <summary>The query is wrapped as a subquery (so PostgreSQL turns rows into JSON), which needs
    /// exactly one statement that returns rows.</summary>
    public static IEnumerable<string> SqlQuery(string query, IReadOnlyCollection<string> parameterNames)
    {
        var text = query.Trim().TrimEnd(';').Trim();
        if (text.Length == 0)
        {
            yield return "the SQL query is empty";
            yield break;
        }

        if (!QueryStart().IsMatch(text))
        {
            yield return "the SQL query must start with SELECT, WITH, VALUES or TABLE: checks only read";
        }

        var code = SqlLiteral().Replace(text, "''");
        if (code.Contains(';', StringComparison.Ordinal))
        {
            yield return "the SQL query must be one statement (no ';' inside)";
        }

        var used = SqlParameter().Matches(code).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        foreach (var missing in used.Where(u => !parameterNames.Contains(u)).Order(StringComparer.Ordinal))
        {
            yield return $"the SQL query uses @{missing}, which params does not define";
        }

        foreach (var unused in parameterNames.Where(p => !used.Contains(p)).Order(StringComparer.Ordinal))
        {
            yield return $"parameter '{unused}' is not used in the SQL query (write @{unused})";
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex ScenarioIdPattern();

    [GeneratedRegex(@"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")]
    private static partial Regex HeaderNamePattern();

    [GeneratedRegex(@"^(?:SELECT|WITH|VALUES|TABLE)\b", RegexOptions.IgnoreCase)]
    private static partial Regex QueryStart();

    [GeneratedRegex(@"'(?:[^']|'')*'")]
    private static partial Regex SqlLiteral();

    [GeneratedRegex(@"(?<![@\w])@([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex SqlParameter();
}
