using Grader.Assignments;
using Grader.Tasks;

namespace Grader.Scenarios.Suites;

/// <summary>A step as read from the suite, with what the scenario parser needs to check variables:
/// where each one is used, and which ones the step captures.</summary>
internal sealed record ParsedStep(
    ScenarioStep Step,
    List<(string Name, YamlNodeAt At)> Uses,
    List<(string Name, YamlNodeAt At)> SqlUses,
    List<string> Captures,
    bool HasOwnPoints);

/// <summary>Reads one step: <c>title, request, expect, capture, points, timeout, retry, sql</c>.</summary>
internal static class StepParser
{
    internal static readonly string[] StepKeys = ["title", "request", "expect", "capture", "points", "timeout", "retry", "sql"];
    internal static readonly string[] RequestKeys = ["method", "path", "query", "headers", "json", "body"];
    internal static readonly string[] ExpectKeys = ["status", "headers", "body", "empty", "match", "ignore", "unordered", "tolerance"];

    public static ParsedStep? Parse(YamlNodeAt node, StepKind kind, string what, SuiteReport report)
    {
        if (node is not YamlMappingAt mapping)
        {
            report.Error(node, $"{what} must be a mapping with 'request' and 'expect', not {MappingFields.Describe(node)}");
            return null;
        }

        var fields = new MappingFields(mapping, what, StepKeys, report);
        var uses = new List<(string, YamlNodeAt)>();
        var request = ParseRequest(fields.Mapping("request", required: true), what, report, uses);
        var expect = fields.Mapping("expect") is { } expectNode
            ? ParseExpect(expectNode, what, report, uses)
            : new StepExpectation(new List<int>());
        var points = fields.Decimal("points");
        if (points is not null && kind != StepKind.Step)
        {
            report.Error(fields.At("points"), $"{what} is never scored; remove 'points'");
        }
        else if (points is { } p)
        {
            report.ErrorIf(fields.At("points"), SuiteRules.Points(p));
        }

        var timeout = fields.Seconds("timeout");
        if (timeout is { } t)
        {
            report.ErrorIf(fields.At("timeout"), SuiteRules.TimeoutSeconds(t));
        }

        var captures = CaptureParser.Parse(fields.Mapping("capture"), what, report);
        var sqlUses = new List<(string, YamlNodeAt)>();
        var sql = fields.Sequence("sql") is { } sqlNode ? SqlCheckParser.ParseAll(sqlNode, what, report, sqlUses) : null;
        if (request is null)
        {
            return null;
        }

        var step = new ScenarioStep(request, expect, kind == StepKind.Step ? points ?? 1 : 0,
            captures, timeout, CaptureParser.ParseRetry(fields.Mapping("retry"), what, report), sql, fields.String("title"));
        return new ParsedStep(step, uses, sqlUses, captures?.Select(c => c.Name).ToList() ?? [], points is not null);
    }

    private static StepRequest? ParseRequest(YamlMappingAt? node, string what, SuiteReport report, List<(string, YamlNodeAt)> uses)
    {
        if (node is null)
        {
            return null;
        }

        var where = $"the request of {what}";
        var fields = new MappingFields(node, where, RequestKeys, report);
        var method = fields.String("method", required: true);
        if (method is not null)
        {
            report.ErrorIf(fields.At("method"), SuiteRules.Method(method));
        }

        var path = fields.String("path", required: true);
        if (path is not null)
        {
            report.ErrorIf(fields.At("path"), SuiteRules.Path(path));
            NoteUses(path, fields.At("path"), uses);
        }

        var query = fields.TextMap("query");
        var headers = fields.TextMap("headers", SuiteRules.HeaderName);
        foreach (var (key, map) in new[] { ("query", query), ("headers", headers) })
        {
            foreach (var value in map?.Values ?? Enumerable.Empty<string>())
            {
                NoteUses(value, fields.At(key), uses);
            }
        }

        var json = fields["json"] is { } jsonNode ? YamlJson.Convert(jsonNode, report, uses, checkMatchers: false) : null;
        var raw = fields.String("body");
        if (raw is not null)
        {
            NoteUses(raw, fields.At("body"), uses);
        }

        if (json is not null && raw is not null)
        {
            report.Error(fields.At("body"), $"{where} has both 'json' and 'body'; send one of them");
        }

        return method is null || path is null ? null : new StepRequest(method.ToUpperInvariant(), path, json, headers, query, raw);
    }

    private static StepExpectation ParseExpect(YamlMappingAt node, string what, SuiteReport report, List<(string, YamlNodeAt)> uses)
    {
        var where = $"the expectations of {what}";
        var fields = new MappingFields(node, where, ExpectKeys, report);
        var status = new List<int>();
        switch (fields["status"])
        {
            case YamlSequenceAt list:
                foreach (var item in list.Items)
                {
                    AddStatus(item, status, report);
                }

                break;
            case { } one:
                AddStatus(one, status, report);
                break;
        }

        var headers = fields.TextMap("headers", SuiteRules.HeaderName);
        foreach (var value in headers?.Values ?? Enumerable.Empty<string>())
        {
            NoteUses(value, fields.At("headers"), uses);
            report.ErrorIf(fields.At("headers"), SuiteRules.Matcher(value));
        }

        var body = fields["body"] is { } bodyNode ? YamlJson.Convert(bodyNode, report, uses, checkMatchers: true) : null;
        if (fields.Bool("empty") is true)
        {
            if (body is not null)
            {
                report.Error(fields.At("empty"), $"{where} has both 'body' and 'empty: true'");
            }

            body = "";
        }

        var tolerance = fields.Decimal("tolerance") ?? 0;
        if (tolerance < 0)
        {
            report.Error(fields.At("tolerance"), $"tolerance {tolerance} must not be negative");
        }

        return new StepExpectation(status, body, Paths(fields, "ignore", report), ParseMatch(fields, report), Paths(fields, "unordered", report), tolerance, headers);
    }

    internal static MatchMode ParseMatch(MappingFields fields, SuiteReport report) =>
        fields.String("match") switch
        {
            null or "exact" => MatchMode.Exact,
            "lenient" => MatchMode.Lenient,
            "text" => MatchMode.Text,
            var other => Report(report, fields.At("match"), $"match '{other}' must be 'exact', 'lenient' or 'text'", MatchMode.Exact),
        };

    internal static List<string>? Paths(MappingFields fields, string key, SuiteReport report)
    {
        var paths = fields.Strings(key);
        foreach (var (path, at) in paths ?? [])
        {
            report.ErrorIf(at, SuiteRules.JsonPath(path) is { } error ? $"{key}: {error}" : null);
        }

        return paths?.Select(p => p.Text).ToList();
    }

    private static void AddStatus(YamlNodeAt node, List<int> status, SuiteReport report)
    {
        if (node is YamlScalarAt { IsPlain: true } scalar && int.TryParse(scalar.Value, out var code))
        {
            report.ErrorIf(node, SuiteRules.Status(code));
            status.Add(code);
        }
        else
        {
            report.Error(node, $"status must be an HTTP status code or a list of them, not {MappingFields.Describe(node)}");
        }
    }

    private static void NoteUses(string text, YamlNodeAt at, List<(string, YamlNodeAt)> uses) =>
        uses.AddRange(Variables.UsedIn(text).Select(name => (name, at)));

    private static T Report<T>(SuiteReport report, YamlNodeAt at, string message, T fallback)
    {
        report.Error(at, message);
        return fallback;
    }
}
