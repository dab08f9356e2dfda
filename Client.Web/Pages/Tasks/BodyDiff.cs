using System.Text.Json;
using Grader.Scenarios;

namespace Grader.Web.Pages.Tasks;

/// <summary>One line of a pretty-printed body: its JSONPath, and whether a mismatch points at it.</summary>
/// <param name="Value">The value's text; a matcher (<c>#datetime</c>) is shown as itself, not as a string.</param>
public sealed record DiffLine(int Depth, string? Key, string Value, bool IsMatcher, string Path, bool Highlighted);

/// <summary>A line, or a run of unremarkable lines folded into a count.</summary>
public sealed record DiffRow(DiffLine? Line, int Folded);

/// <summary>Turns the expected and actual bodies into lines a student can read side by side, like a test
/// runner's diff: pretty-printed, the lines at mismatching paths highlighted, long runs folded away.</summary>
public static class BodyDiff
{
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The body's lines, or null when it is not JSON (the page then shows it as text).</summary>
    /// <param name="expectedSide">Matchers exist only on the expected side, and a mismatch about a
    /// missing item points at the expected side only (an extra one at the actual side only).</param>
    public static IReadOnlyList<DiffLine>? Lines(string? body, IEnumerable<Grader.Tasks.Mismatch> mismatches, bool expectedSide)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }

        var paths = mismatches.Where(m => m.Path.StartsWith('$') && AppliesTo(m, expectedSide)).Select(m => m.Path).ToHashSet(StringComparer.Ordinal);
        using (document)
        {
            var lines = new List<DiffLine>();
            Emit(document.RootElement, null, [], 0, false, expectedSide, paths, lines);
            return lines;
        }
    }

    private static bool AppliesTo(Grader.Tasks.Mismatch mismatch, bool expectedSide)
    {
        var reason = mismatch.Reason;
        if (reason.StartsWith("missing", StringComparison.Ordinal))
        {
            return expectedSide;
        }

        return reason.StartsWith("extra", StringComparison.Ordinal) || reason.StartsWith("unexpected", StringComparison.Ordinal) ? !expectedSide : true;
    }

    /// <summary>Keeps <paramref name="context"/> lines around each highlighted line and folds the rest;
    /// with nothing highlighted, the first <paramref name="head"/> lines stay.</summary>
    public static IReadOnlyList<DiffRow> Fold(IReadOnlyList<DiffLine> lines, int context = 3, int head = 30)
    {
        var keep = new bool[lines.Count];
        var any = false;
        for (var i = 0; i < lines.Count; i++)
        {
            if (!lines[i].Highlighted)
            {
                continue;
            }

            any = true;
            for (var j = Math.Max(0, i - context); j <= Math.Min(lines.Count - 1, i + context); j++)
            {
                keep[j] = true;
            }
        }

        for (var i = 0; !any && i < Math.Min(head, lines.Count); i++)
        {
            keep[i] = true;
        }

        var rows = new List<DiffRow>();
        for (var i = 0; i < lines.Count;)
        {
            var run = 0;
            while (i + run < lines.Count && !keep[i + run])
            {
                run++;
            }

            if (run > 1)
            {
                rows.Add(new DiffRow(null, run));
                i += run;
            }
            else
            {
                rows.Add(new DiffRow(lines[i], 0));
                i++;
            }
        }

        return rows;
    }

    private static void Emit(JsonElement element, string? key, List<PathSegment> path, int depth, bool comma, bool expectedSide,
        HashSet<string> paths, List<DiffLine> lines)
    {
        var rendered = JsonPathPattern.Render(path);
        var highlighted = paths.Contains(rendered) || paths.Any(p => IsUnder(rendered, p));
        var tail = comma ? "," : "";
        switch (element.ValueKind)
        {
            case JsonValueKind.Object when element.EnumerateObject().Any():
                lines.Add(new DiffLine(depth, key, "{", false, rendered, highlighted));
                var properties = element.EnumerateObject().ToList();
                for (var i = 0; i < properties.Count; i++)
                {
                    path.Add(PathSegment.Property(properties[i].Name));
                    Emit(properties[i].Value, properties[i].Name, path, depth + 1, i < properties.Count - 1, expectedSide, paths, lines);
                    path.RemoveAt(path.Count - 1);
                }

                lines.Add(new DiffLine(depth, null, "}" + tail, false, rendered, highlighted));
                break;
            case JsonValueKind.Array when element.GetArrayLength() > 0:
                lines.Add(new DiffLine(depth, key, "[", false, rendered, highlighted));
                var items = element.EnumerateArray().ToList();
                for (var i = 0; i < items.Count; i++)
                {
                    path.Add(PathSegment.Item(i));
                    Emit(items[i], null, path, depth + 1, i < items.Count - 1, expectedSide, paths, lines);
                    path.RemoveAt(path.Count - 1);
                }

                lines.Add(new DiffLine(depth, null, "]" + tail, false, rendered, highlighted));
                break;
            case JsonValueKind.String when expectedSide && element.GetString() is { } text && text.StartsWith('#'):
                lines.Add(new DiffLine(depth, key, text + tail, true, rendered, highlighted));
                break;
            case JsonValueKind.String when expectedSide && element.GetString() is { } escaped && escaped.StartsWith("\\#", StringComparison.Ordinal):
                lines.Add(new DiffLine(depth, key, JsonSerializer.Serialize(escaped[1..], Readable) + tail, false, rendered, highlighted));
                break;
            case JsonValueKind.String:
                lines.Add(new DiffLine(depth, key, JsonSerializer.Serialize(element.GetString(), Readable) + tail, false, rendered, highlighted));
                break;
            default:
                lines.Add(new DiffLine(depth, key, element.GetRawText() + tail, false, rendered, highlighted));
                break;
        }
    }

    private static bool IsUnder(string path, string ancestor) =>
        path.Length > ancestor.Length && path.StartsWith(ancestor, StringComparison.Ordinal) && path[ancestor.Length] is '.' or '[';
}
