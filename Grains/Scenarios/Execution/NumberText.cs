using System.Text.Json;
using Grader.Tasks;

namespace Grader.Scenarios.Execution;

/// <summary>For <see cref="Grader.Assignments.MatchMode.Text"/>: once the values match, the reference
/// system's text comparison still tells numbers apart by how they are written (1 and 1.0). Keys are
/// sorted and white space is free there too, so numbers are the only text left to compare.</summary>
internal static class NumberText
{
    public static void Compare(JsonElement expected, JsonElement actual, List<PathSegment> path, IReadOnlyList<JsonPathPattern>? ignore, List<Mismatch> mismatches)
    {
        if (ignore is { Count: > 0 } && ignore.Any(p => p.Matches(path)))
        {
            return;
        }

        switch (expected.ValueKind)
        {
            case JsonValueKind.Number when actual.ValueKind == JsonValueKind.Number && expected.GetRawText() != actual.GetRawText():
                mismatches.Add(new Mismatch(JsonPathPattern.Render(path), "number written differently (compared as text, as the reference did)",
                    expected.GetRawText(), actual.GetRawText(), "number", "number"));
                break;
            case JsonValueKind.Object when actual.ValueKind == JsonValueKind.Object:
                foreach (var property in expected.EnumerateObject())
                {
                    if (actual.TryGetProperty(property.Name, out var value))
                    {
                        path.Add(PathSegment.Property(property.Name));
                        Compare(property.Value, value, path, ignore, mismatches);
                        path.RemoveAt(path.Count - 1);
                    }
                }

                break;
            case JsonValueKind.Array when actual.ValueKind == JsonValueKind.Array:
                var count = Math.Min(expected.GetArrayLength(), actual.GetArrayLength());
                for (var i = 0; i < count; i++)
                {
                    path.Add(PathSegment.Item(i));
                    Compare(expected[i], actual[i], path, ignore, mismatches);
                    path.RemoveAt(path.Count - 1);
                }

                break;
        }
    }
}
