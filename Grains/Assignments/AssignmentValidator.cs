using System.Text.Json;
using System.Text.RegularExpressions;
using Grader.Scenarios;

namespace Grader.Assignments;

/// <summary>Checks an assignment as a whole and lists every problem, so staff fix them in one go.</summary>
public static partial class AssignmentValidator
{
    private static readonly HashSet<string> Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    public static IReadOnlyList<string> Validate(AssignmentDefinition a)
    {
        var errors = new List<string>();
        if (!IdPattern().IsMatch(a.Id))
        {
            errors.Add($"id '{a.Id}' must be 1-64 lowercase letters, digits, '-' or '_'");
        }

        if (a.Port is < 1 or > 65535)
        {
            errors.Add($"port {a.Port} must be between 1 and 65535");
        }

        if (a.StartupTimeoutSeconds is < 1 or > 600)
        {
            errors.Add($"startupTimeoutSeconds {a.StartupTimeoutSeconds} must be between 1 and 600");
        }

        if (a.RequestTimeoutSeconds is < 1 or > 300)
        {
            errors.Add($"requestTimeoutSeconds {a.RequestTimeoutSeconds} must be between 1 and 300");
        }

        if (a.DatabaseMode != DatabaseMode.None && string.IsNullOrWhiteSpace(a.Database))
        {
            errors.Add($"database mode {a.DatabaseMode} needs a database name");
        }

        if (a.Limits.MemoryMb < 16 || a.Limits.Cpus <= 0 || a.Limits.Pids < 8)
        {
            errors.Add("limits must allow at least 16 MB of memory, some CPU and 8 processes");
        }

        foreach (var key in a.Environment.Keys.Where(k => !EnvNamePattern().IsMatch(k) || k.StartsWith("DATABASE_", StringComparison.Ordinal)))
        {
            errors.Add($"environment variable '{key}' is not a valid name or is reserved (DATABASE_*)");
        }

        foreach (var duplicate in a.Scenarios.GroupBy(s => s.Id).Where(g => g.Count() > 1))
        {
            errors.Add($"scenario id '{duplicate.Key}' is used {duplicate.Count()} times");
        }

        foreach (var scenario in a.Scenarios)
        {
            if (scenario.Steps.Count == 0)
            {
                errors.Add($"scenario '{scenario.Id}' has no steps");
            }

            for (var i = 0; i < scenario.Steps.Count; i++)
            {
                var where = $"scenario '{scenario.Id}' step {i + 1}";
                var step = scenario.Steps[i];
                if (!Methods.Contains(step.Request.Method.ToUpperInvariant()))
                {
                    errors.Add($"{where}: method '{step.Request.Method}' is not one of {string.Join(", ", Methods)}");
                }

                if (!step.Request.Path.StartsWith('/'))
                {
                    errors.Add($"{where}: path '{step.Request.Path}' must start with '/'");
                }

                CheckJson(step.Request.JsonBody, $"{where}: request body", errors);
                if (!string.IsNullOrEmpty(step.Expect.JsonBody) && CheckJson(step.Expect.JsonBody, $"{where}: expected body", errors))
                {
                    using var expected = JsonDocument.Parse(step.Expect.JsonBody);
                    CheckMatchers(expected.RootElement, [], $"{where}: expected body", errors);
                }

                foreach (var status in step.Expect.Status.Where(s => s is < 100 or > 599))
                {
                    errors.Add($"{where}: status {status} is not an HTTP status code");
                }

                foreach (var path in step.Expect.Ignore ?? [])
                {
                    try
                    {
                        JsonPathPattern.Parse(path);
                    }
                    catch (FormatException e)
                    {
                        errors.Add($"{where}: ignore: {e.Message}");
                    }
                }
            }
        }

        return errors;
    }

    private static bool CheckJson(string? json, string what, List<string> errors)
    {
        if (json is null)
        {
            return true;
        }

        try
        {
            using var _ = JsonDocument.Parse(json);
            return true;
        }
        catch (JsonException e)
        {
            errors.Add($"{what} is not valid JSON: {e.Message}");
            return false;
        }
    }

    /// <summary>A misspelt matcher would silently become a literal and fail every submission.</summary>
    private static void CheckMatchers(JsonElement element, List<PathSegment> path, string what, List<string> errors)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    CheckMatchers(property.Value, [.. path, PathSegment.Property(property.Name)], what, errors);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    CheckMatchers(item, [.. path, PathSegment.Item(index++)], what, errors);
                }

                break;
            case JsonValueKind.String when element.GetString() is ['#', ..] text:
                var body = text.StartsWith("##", StringComparison.Ordinal) ? text[2..] : text[1..];
                var space = body.IndexOf(' ');
                var name = space < 0 ? body : body[..space];
                var at = $"{what} at {JsonPathPattern.Render(path)}";
                if (!JsonMatcher.MatcherNames.Contains(name))
                {
                    errors.Add($"{at}: unknown matcher '#{name}' (known: {string.Join(", ", JsonMatcher.MatcherNames.Order().Select(n => "#" + n))}; write \\#{name} for the literal text)");
                }
                else if (name == "regex")
                {
                    try
                    {
                        _ = new Regex(space < 0 ? "" : body[(space + 1)..], RegexOptions.None, TimeSpan.FromSeconds(1));
                    }
                    catch (ArgumentException e)
                    {
                        errors.Add($"{at}: the regex is invalid: {e.Message}");
                    }
                }

                break;
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvNamePattern();
}
