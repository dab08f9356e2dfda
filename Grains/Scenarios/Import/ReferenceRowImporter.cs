using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grader.Assignments;

namespace Grader.Scenarios.Import;

/// <summary>Result of an import: the scenarios, or what is wrong with which row.</summary>
/// <param name="SkippedRows">Rows of other models in a full dumpdata export, by model name.</param>
/// <param name="Notes">Per row, where grading here deliberately differs from the reference, or how a
/// reference quirk was reproduced.</param>
public sealed record ReferenceImport(IReadOnlyList<Scenario> Scenarios, IReadOnlyList<string> Errors,
    IReadOnlyDictionary<string, int>? SkippedRows = null, IReadOnlyList<string>? Notes = null);

/// <summary>Turns the reference system's scenario rows, exported as JSON, into one-step scenarios that
/// grade the same way: exact body after dropping the top-level ignored keys from the actual body, and the
/// status code. Accepts a plain array of rows or a real Django <c>dumpdata</c> export
/// (<c>{"model": "tester.scenario", "pk": 1, "fields": {...}}</c>), whose other models are skipped.</summary>
public static class ReferenceRowImporter
{
    // The reference's model spells its foreign key "assigment"; both spellings are accepted.
    private static readonly HashSet<string> Fields =
        ["url", "method", "body", "status_code", "response", "ignored_properties", "priority", "is_public", "id", "pk", "name", "title",
         "assignment", "assigment", "created_at", "updated_at"];

    /// <param name="exactText">Compare bodies as the reference did, as JSON text (so 1 and 1.0 differ),
    /// instead of by value.</param>
    public static ReferenceImport FromJson(string json, bool exactText = false)
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
        var notes = new List<string>();
        var skipped = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var nullPriority = new List<(int Index, string Label)>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i] is not JsonObject entry)
            {
                errors.Add($"row {i + 1}: must be an object");
                continue;
            }

            if (entry["model"] is JsonValue model && model.GetValueKind() == JsonValueKind.String
                && !model.GetValue<string>().EndsWith(".scenario", StringComparison.OrdinalIgnoreCase))
            {
                skipped[model.GetValue<string>()] = skipped.GetValueOrDefault(model.GetValue<string>()) + 1;
                continue;
            }

            var dumpdata = entry["fields"] is JsonObject;
            var row = entry["fields"] as JsonObject ?? entry;
            var pk = entry["pk"] ?? row["pk"] ?? row["id"];
            var label = $"row {i + 1}{(pk is null ? "" : $" (pk {pk.ToJsonString()})")}";
            var rowErrors = new List<string>();
            var rowNotes = new List<string>();
            var scenario = FromRow(row, pk, i, dumpdata, exactText, rowErrors, rowNotes);
            errors.AddRange(rowErrors.Select(e => $"{label}: {e}"));
            notes.AddRange(rowNotes.Select(n => $"{label}: {n}"));
            if (scenario is not null)
            {
                if (row["priority"] is null && row.ContainsKey("priority"))
                {
                    nullPriority.Add((scenarios.Count, label));
                }

                scenarios.Add(scenario);
            }
        }

        RunNullPrioritiesFirst(scenarios, nullPriority, notes);
        foreach (var duplicate in scenarios.GroupBy(s => s.Id).Where(g => g.Count() > 1))
        {
            errors.Add($"scenario id '{duplicate.Key}' is used by {duplicate.Count()} rows");
        }

        return new ReferenceImport(scenarios, errors, skipped, notes);
    }

    /// <summary>The reference orders by <c>order_by("-priority")</c>, and PostgreSQL sorts NULL above every
    /// value in a descending order: such rows ran first. Here they get a priority above all others.</summary>
    private static void RunNullPrioritiesFirst(List<Scenario> scenarios, List<(int Index, string Label)> nullPriority, List<string> notes)
    {
        if (nullPriority.Count == 0)
        {
            return;
        }

        var nulls = nullPriority.Select(n => n.Index).ToHashSet();
        var top = scenarios.Where((_, i) => !nulls.Contains(i)).Select(s => s.Priority).DefaultIfEmpty(0).Max() + 1;
        foreach (var (index, label) in nullPriority)
        {
            scenarios[index] = scenarios[index] with { Priority = top };
            notes.Add($"{label}: priority is NULL; the reference (ORDER BY priority DESC on PostgreSQL) ran it before every other row, so it gets priority {top}");
        }
    }

    private static Scenario? FromRow(JsonObject row, JsonNode? pk, int index, bool nativeJson, bool exactText, List<string> errors, List<string> notes)
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
        var request = new StepRequest(method, PathOf(url), Body(row["body"], "body", nativeJson, notes));
        var expected = Body(row["response"], "response", nativeJson, notes);
        var ignored = IgnoredPaths(row["ignored_properties"], errors);
        NoteIgnoredKeysInExpected(expected, row["ignored_properties"], notes);
        if (exactText)
        {
            notes.Add("compared as JSON text, as the reference did (numbers must be written the same way)");
        }

        var expect = new StepExpectation(new List<int> { status }, expected is null ? null : EscapeMatchers(expected), ignored.Paths,
            exactText ? MatchMode.Text : MatchMode.Exact);
        return new Scenario(id, title, isPublic, priority, new List<ScenarioStep> { new(request, expect) });
    }

    /// <summary>The reference removed ignored keys from the actual body only, so a row whose expected
    /// body still holds one could never pass there. Here the key is ignored on both sides.</summary>
    private static void NoteIgnoredKeysInExpected(string? expected, JsonNode? ignoredNode, List<string> notes)
    {
        if (expected is null || JsonNode.Parse(expected) is not JsonObject body)
        {
            return;
        }

        var names = ignoredNode switch
        {
            JsonArray array => array.Where(n => n?.GetValueKind() == JsonValueKind.String).Select(n => n!.GetValue<string>()),
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>().Split(',', StringSplitOptions.TrimEntries),
            _ => [],
        };
        foreach (var name in names.Where(body.ContainsKey))
        {
            notes.Add($"the expected body holds the ignored key '{name}'; the reference removed it from the actual body only, so this row always failed there; here '{name}' is ignored on both sides");
        }
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

    /// <summary>In a dumpdata export a JSON field holds the value itself, so a string is a JSON string
    /// (<c>"response": "Hello"</c>). In a plain export a string may hold JSON text (as text columns do);
    /// one that is not JSON is taken as a JSON string, with a note.</summary>
    private static string? Body(JsonNode? node, string field, bool nativeJson, List<string> notes)
    {
        if (node is null)
        {
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String || nativeJson)
        {
            return node.ToJsonString();
        }

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
            notes.Add($"'{field}' is text that is not JSON; it is taken as the JSON string {node.ToJsonString()}");
            return node.ToJsonString();
        }
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

    /// <summary>Top-level key names, as paths the matcher skips.</summary>
    private static (List<string>? Paths, bool Ok) IgnoredPaths(JsonNode? node, List<string> errors)
    {
        IEnumerable<string> names;
        switch (node)
        {
            case null:
                return (null, true);
            case JsonArray array:
                names = array.Select(n => n?.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : Fail<string>(errors, "'ignored_properties' must list names"));
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                names = value.GetValue<string>().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                break;
            default:
                errors.Add("'ignored_properties' must be a list of names");
                return (null, false);
        }

        var paths = names.Where(n => n.Length > 0).Select(n => JsonPathPattern.Render([PathSegment.Property(n)])).ToList();
        return (paths.Count == 0 ? null : paths, true);
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
