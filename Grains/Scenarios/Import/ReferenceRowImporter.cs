using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grader.Assignments;

namespace Grader.Scenarios.Import;

/// <summary>Result of an import: the scenarios, or what is wrong with which row.</summary>
public sealed record ReferenceImport(IReadOnlyList<Scenario> Scenarios, IReadOnlyList<string> Errors);

/// <summary>Turns the reference system's scenario rows, exported as JSON, into one-step scenarios that
/// grade the same way: exact body after dropping the top-level ignored keys, and the status code.
/// Accepts a plain array of rows or Django's dumpdata form (<c>{"pk": 1, "fields": {...}}</c>).</summary>
public static class ReferenceRowImporter
{
    private static readonly HashSet<string> Fields =
        ["url", "method", "body", "status_code", "response", "ignored_properties", "priority", "is_public", "id", "pk", "name", "title", "assignment"];

    public static ReferenceImport FromJson(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            return new ReferenceImport(new List<Scenario>(), new List<string> { $"the export is not valid JSON: {e.Message}" });
        }

        if (root is not JsonArray rows)
        {
            return new ReferenceImport(new List<Scenario>(), new List<string> { "the export must be a JSON array of scenario rows" });
        }

        var scenarios = new List<Scenario>();
        var errors = new List<string>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i] is not JsonObject entry)
            {
                errors.Add($"row {i + 1}: must be an object");
                continue;
            }

            var row = entry["fields"] as JsonObject ?? entry;
            var pk = entry["pk"] ?? row["pk"] ?? row["id"];
            var rowErrors = new List<string>();
            var scenario = FromRow(row, pk, i, rowErrors);
            errors.AddRange(rowErrors.Select(e => $"row {i + 1}{(pk is null ? "" : $" (pk {pk.ToJsonString()})")}: {e}"));
            if (scenario is not null)
            {
                scenarios.Add(scenario);
            }
        }

        foreach (var duplicate in scenarios.GroupBy(s => s.Id).Where(g => g.Count() > 1))
        {
            errors.Add($"scenario id '{duplicate.Key}' is used by {duplicate.Count()} rows");
        }

        return new ReferenceImport(scenarios, errors);
    }

    private static Scenario? FromRow(JsonObject row, JsonNode? pk, int index, List<string> errors)
    {
        foreach (var unknown in row.Select(p => p.Key).Where(k => !Fields.Contains(k)))
        {
            errors.Add($"unknown field '{unknown}'");
        }

        var method = (Text(row, "method", errors) ?? "GET").ToUpperInvariant();
        var url = Text(row, "url", errors);
        if (url is null)
        {
            errors.Add("'url' is required");
            return null;
        }

        var id = pk is null ? $"row-{index + 1}" : $"row-{Slug(pk)}";
        var title = Text(row, "title", errors) ?? Text(row, "name", errors) ?? $"{method} {url}";
        var status = row["status_code"] is { } code ? Int(code, "status_code", errors) ?? 200 : 200;
        var priority = row["priority"] is { } p ? Int(p, "priority", errors) ?? 0 : 0;
        var isPublic = row["is_public"] is not { } flag || (flag.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? flag.GetValue<bool>()
            : Fail(errors, "'is_public' must be true or false"));
        var request = new StepRequest(method, PathOf(url), Body(row["body"], "body", errors));
        var expected = Body(row["response"], "response", errors);
        var expect = new StepExpectation(new List<int> { status }, expected is null ? null : EscapeMatchers(expected), IgnoredPaths(row["ignored_properties"], errors));
        return new Scenario(id, title, isPublic, priority, new List<ScenarioStep> { new(request, expect) });
    }

    /// <summary>Only the path and query are used: the grader addresses the student's container itself.</summary>
    private static string PathOf(string url)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            return absolute.PathAndQuery;
        }

        return url.StartsWith('/') ? url : "/" + url;
    }

    /// <summary>A JSON field may hold the value itself or a string that holds JSON (as text columns do).</summary>
    private static string? Body(JsonNode? node, string field, List<string> errors)
    {
        if (node is null)
        {
            return null;
        }

        if (node.GetValueKind() == JsonValueKind.String)
        {
            var text = node.GetValue<string>();
            if (text.Trim().Length == 0)
            {
                return null;
            }

            try
            {
                return JsonNode.Parse(text)?.ToJsonString() ?? "null";
            }
            catch (JsonException)
            {
                errors.Add($"'{field}' is a string that is not JSON");
                return null;
            }
        }

        return node.ToJsonString();
    }

    /// <summary>The reference system compared literally: a text such as "#1 pick" must stay text here,
    /// where a leading '#' would start a matcher.</summary>
    private static string EscapeMatchers(string json)
    {
        var node = JsonNode.Parse(json);
        return Escape(node)?.ToJsonString() ?? "null";
    }

    private static JsonNode? Escape(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Escape(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Escape).ToArray()),
        JsonValue value when value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().StartsWith('#') =>
            JsonValue.Create("\\" + value.GetValue<string>()),
        _ => node?.DeepClone(),
    };

    /// <summary>The reference system removed these keys from the top level of both bodies.</summary>
    private static List<string>? IgnoredPaths(JsonNode? node, List<string> errors)
    {
        IEnumerable<string> names;
        switch (node)
        {
            case null:
                return null;
            case JsonArray array:
                names = array.Select(n => n?.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : Fail<string>(errors, "'ignored_properties' must list names"));
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                names = value.GetValue<string>().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                break;
            default:
                errors.Add("'ignored_properties' must be a list of names");
                return null;
        }

        var paths = names.Where(n => n.Length > 0).Select(n => JsonPathPattern.Render([PathSegment.Property(n)])).ToList();
        return paths.Count == 0 ? null : paths;
    }

    private static string? Text(JsonObject row, string field, List<string> errors) => row[field] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => Fail<string?>(errors, $"'{field}' must be text"),
    };

    private static int? Int(JsonNode node, string field, List<string> errors) =>
        node.GetValueKind() == JsonValueKind.Number && int.TryParse(node.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : node.GetValueKind() == JsonValueKind.String && int.TryParse(node.GetValue<string>(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value)
                ? value
                : Fail<int?>(errors, $"'{field}' must be a whole number");

    private static string Slug(JsonNode pk)
    {
        var text = pk.GetValueKind() == JsonValueKind.String ? pk.GetValue<string>() : pk.ToJsonString();
        var slug = new StringBuilder();
        foreach (var c in text)
        {
            slug.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-');
        }

        return slug.Length == 0 ? "x" : slug.ToString()[..Math.Min(slug.Length, 58)];
    }

    private static bool Fail(List<string> errors, string message) => Fail<bool>(errors, message);

    private static T Fail<T>(List<string> errors, string message)
    {
        errors.Add(message);
        return default!;
    }
}
