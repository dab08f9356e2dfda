using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Grader.Scenarios;

/// <summary>One matcher of the suite vocabulary (<c>#string</c>, <c>#uuid</c>, ...): its name, the type it
/// asks for (shown next to the actual type), what a failure says, its line in the schema, and the check
/// itself. Adding a matcher is adding one row to <see cref="MatcherVocabulary.All"/>.</summary>
/// <param name="Failure">What a failed check says; <c>{0}</c> is the argument.</param>
/// <param name="Accepts">The check; the regex is the compiled argument of <c>#regex</c>, null for others.</param>
public sealed record MatcherKeyword(
    string Name,
    string ExpectedType,
    string Failure,
    string Schema,
    bool TakesArgument,
    Func<ActualValue, Regex?, bool> Accepts)
{
    public string FailureFor(string? argument) => TakesArgument ? string.Format(CultureInfo.InvariantCulture, Failure, argument) : Failure;
}

/// <summary>The matcher table. Validation, judging, type names and the schema all read it.</summary>
public static partial class MatcherVocabulary
{
    private const int StackCharLimit = 256;

    public static IReadOnlyList<MatcherKeyword> All { get; } =
    [
        new("ignore", "any", "", "any value, or no key at all", false, (_, _) => true),
        new("present", "any", "missing key", "any value, null included, but the key must be there", false, (a, _) => a.Kind != JsonValueKind.Undefined),
        new("notpresent", "missing", "expected the key to be absent", "the key must be absent", false, (a, _) => a.Kind == JsonValueKind.Undefined),
        new("null", "null", "expected null", "null", false, (a, _) => a.Kind == JsonValueKind.Null),
        new("notnull", "any but null", "expected a value other than null", "any value but null", false, (a, _) => a.Kind is not (JsonValueKind.Null or JsonValueKind.Undefined)),
        new("string", "string", "expected a string", "a string", false, (a, _) => a.Kind == JsonValueKind.String),
        new("number", "number", "expected a number", "a number", false, (a, _) => a.Kind == JsonValueKind.Number),
        new("integer", "integer", "expected an integer", "a number without a fraction (2.0 counts)", false, (a, _) => IsInteger(a)),
        new("boolean", "boolean", "expected a boolean", "true or false", false, (a, _) => a.Kind is JsonValueKind.True or JsonValueKind.False),
        new("array", "array", "expected an array", "an array", false, (a, _) => a.Kind == JsonValueKind.Array),
        new("object", "object", "expected an object", "an object", false, (a, _) => a.Kind == JsonValueKind.Object),
        new("uuid", "string (UUID)", "expected a UUID", "a UUID string (8-4-4-4-12 hex digits)", false, (a, _) => a.Kind == JsonValueKind.String && a.TryGetGuid()),
        new("datetime", "string (ISO 8601 date-time)", "expected an ISO 8601 date-time", "an ISO 8601 date or date-time string", false, (a, _) => a.Kind == JsonValueKind.String && OnText(a, null, IsDateTime)),
        new("regex", "string (pattern)", "expected a string matching /{0}/", "'#regex <re>': a string the whole of which matches <re>", true,
            (a, re) => a.Kind == JsonValueKind.String && re is not null && OnText(a, re, FullMatch)),
    ];

    public static IReadOnlyDictionary<string, MatcherKeyword> ByName { get; } = All.ToDictionary(k => k.Name, StringComparer.Ordinal);

    /// <summary>The matcher list as the schema and error messages show it.</summary>
    public static string Listing => string.Join(", ", All.Select(k => $"{(k.TakesArgument ? $"#{k.Name} <argument>" : "#" + k.Name)} ({k.Schema})"));

    internal static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(200);

    /// <summary>The anchored pattern of a <c>#regex</c>, or null when it does not compile (validation reports that).</summary>
    public static Regex? CompilePattern(string? pattern)
    {
        try
        {
            return new Regex($"^(?:{pattern ?? ""})$", RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static bool IsInteger(ActualValue actual)
    {
        if (actual.Kind != JsonValueKind.Number)
        {
            return false;
        }

        var raw = actual.Raw;
        return raw.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0 || JsonNumber.Parse(System.Text.Encoding.UTF8.GetString(raw)).IsInteger;
    }

    /// <summary>Runs a text check on a string value without allocating for short strings without escapes.</summary>
    private static bool OnText(ActualValue value, Regex? regex, Func<ReadOnlySpan<char>, Regex?, bool> check)
    {
        var raw = value.Raw;
        if (raw.Length > StackCharLimit || raw.IndexOf((byte)'\\') >= 0)
        {
            return check(value.GetString(), regex);
        }

        Span<char> buffer = stackalloc char[StackCharLimit];
        var written = System.Text.Encoding.UTF8.GetChars(raw[1..^1], buffer);
        return check(buffer[..written], regex);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)?$")]
    private static partial Regex IsoDateTime();

    /// <summary>ISO 8601 / RFC 3339 only: a date, optionally a time with seconds, fraction and offset.</summary>
    private static bool IsDateTime(ReadOnlySpan<char> value, Regex? _) =>
        IsoDateTime().IsMatch(value) &&
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind | DateTimeStyles.AssumeUniversal, out var _);

    private static bool FullMatch(ReadOnlySpan<char> value, Regex? regex)
    {
        try
        {
            return regex!.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
