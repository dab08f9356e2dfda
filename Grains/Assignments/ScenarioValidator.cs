using System.Text.Json;
using Grader.Scenarios;
using Grader.Scenarios.Suites;

namespace Grader.Assignments;

/// <summary>Checks scenarios that arrive as JSON (not through a suite file) with the suite's own rules,
/// naming each problem by scenario and step since there is no line to point at.</summary>
public static class ScenarioValidator
{
    public static void Validate(Scenario scenario, DatabaseMode databaseMode, List<string> errors)
    {
        errors.AddIfNotNull(SuiteRules.ScenarioId(scenario.Id));
        if (scenario.Steps.Count == 0)
        {
            errors.Add($"scenario '{scenario.Id}' has no steps");
        }

        var defined = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (kind, steps) in new[] { ("setup step", scenario.Setup), ("step", scenario.Steps), ("teardown step", scenario.Teardown) })
        {
            for (var i = 0; i < (steps?.Count ?? 0); i++)
            {
                ValidateStep(steps![i], $"scenario '{scenario.Id}' {kind} {i + 1}", databaseMode, defined, errors);
            }
        }
    }

    private static void ValidateStep(ScenarioStep step, string where, DatabaseMode databaseMode, HashSet<string> defined, List<string> errors)
    {
        void Check(string? error)
        {
            if (error is not null)
            {
                errors.Add($"{where}: {error}");
            }
        }

        Check(SuiteRules.Method(step.Request.Method));
        Check(SuiteRules.Path(step.Request.Path));
        Check(SuiteRules.Points(step.Points));
        if (step.Request.JsonBody is not null && step.Request.RawBody is not null)
        {
            Check("the request has both a JSON and a raw body");
        }

        CheckJson(step.Request.JsonBody, $"{where}: request body", errors, matchers: false);
        if (!string.IsNullOrEmpty(step.Expect.JsonBody))
        {
            CheckJson(step.Expect.JsonBody, $"{where}: expected body", errors, matchers: true);
        }

        foreach (var status in step.Expect.Status)
        {
            Check(SuiteRules.Status(status));
        }

        foreach (var (name, value) in step.Request.Headers ?? new Dictionary<string, string>())
        {
            Check(SuiteRules.HeaderName(name));
        }

        foreach (var (name, value) in step.Expect.Headers ?? new Dictionary<string, string>())
        {
            Check(SuiteRules.HeaderName(name));
            Check(SuiteRules.Matcher(value));
        }

        foreach (var (key, paths) in new[] { ("ignore", step.Expect.Ignore), ("unordered", step.Expect.Unordered) })
        {
            foreach (var path in paths ?? [])
            {
                Check(SuiteRules.JsonPath(path) is { } error ? $"{key}: {error}" : null);
            }
        }

        if (step.Expect.Tolerance < 0)
        {
            Check($"tolerance {step.Expect.Tolerance} must not be negative");
        }

        if (step.TimeoutSeconds is { } timeout)
        {
            Check(SuiteRules.TimeoutSeconds(timeout));
        }

        if (step.Retry is { } retry)
        {
            Check(SuiteRules.Retry(retry.Attempts, retry.IntervalSeconds));
        }

        foreach (var name in Scenarios.Execution.StepVariables.NeededBefore(step).Where(n => !defined.Contains(n)))
        {
            Check($"{{{{{name}}}}} is used but no earlier step captures '{name}'");
        }

        foreach (var capture in step.Captures ?? [])
        {
            Check(SuiteRules.VariableName(capture.Name));
            if ((capture.JsonPath is null) == (capture.Header is null))
            {
                Check($"capture '{capture.Name}' needs exactly one of a JSONPath or a header");
            }
            else if (capture.JsonPath is not null)
            {
                Check(SuiteRules.JsonPath(capture.JsonPath, singleValue: true) is { } error ? $"capture '{capture.Name}': {error}" : null);
            }
            else
            {
                Check(SuiteRules.HeaderName(capture.Header!));
            }

            defined.Add(capture.Name);
        }

        for (var i = 0; i < (step.SqlChecks?.Count ?? 0); i++)
        {
            ValidateSqlCheck(step.SqlChecks![i], $"{where}: SQL check {i + 1}", databaseMode, defined, errors);
        }
    }

    private static void ValidateSqlCheck(SqlCheck check, string where, DatabaseMode databaseMode, HashSet<string> defined, List<string> errors)
    {
        if (databaseMode == DatabaseMode.None)
        {
            errors.Add($"{where}: SQL checks need a database, but the assignment's database mode is None");
        }

        var names = new List<string>();
        if (CheckJson(check.Parameters, $"{where}: params", errors, matchers: false) && check.Parameters is not null)
        {
            using var parameters = JsonDocument.Parse(check.Parameters);
            if (parameters.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{where}: params must be a JSON object");
            }
            else
            {
                names.AddRange(parameters.RootElement.EnumerateObject().Select(p => p.Name));
            }
        }

        errors.AddRange(SuiteRules.SqlQuery(check.Query, names).Select(e => $"{where}: {e}"));
        if (CheckJson(check.ExpectedRows, $"{where}: rows", errors, matchers: true))
        {
            using var rows = JsonDocument.Parse(check.ExpectedRows);
            if (rows.RootElement.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"{where}: rows must be a JSON array of row objects");
            }
        }

        foreach (var path in check.Ignore ?? [])
        {
            errors.AddIfNotNull(SuiteRules.JsonPath(path) is { } error ? $"{where}: ignore: {error}" : null);
        }

        foreach (var name in Variables.UsedInJson(SafeJson(check.Parameters)).Concat(Variables.UsedInJson(SafeJson(check.ExpectedRows))).Distinct().Where(n => !defined.Contains(n)))
        {
            errors.Add($"{where}: {{{{{name}}}}} is used but no earlier step captures '{name}'");
        }
    }

    private static bool CheckJson(string? json, string what, List<string> errors, bool matchers)
    {
        if (json is null)
        {
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (matchers)
            {
                CheckMatchers(document.RootElement, [], what, errors);
            }

            return true;
        }
        catch (JsonException e)
        {
            errors.Add($"{what} is not valid JSON: {e.Message}");
            return false;
        }
    }

    private static string? SafeJson(string? json)
    {
        try
        {
            using var _ = json is null ? null : JsonDocument.Parse(json);
            return json;
        }
        catch (JsonException)
        {
            return null;
        }
    }

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
            case JsonValueKind.String when SuiteRules.Matcher(element.GetString()!) is { } error:
                errors.Add($"{what} at {JsonPathPattern.Render(path)}: {error}");
                break;
        }
    }

    private static void AddIfNotNull(this List<string> errors, string? error)
    {
        if (error is not null)
        {
            errors.Add(error);
        }
    }
}
