namespace Grader.Scenarios.Import;

/// <summary>The import report as YAML comments at the head of the converted suite, so the staff member
/// who stores it reads, per row, where it grades differently from the reference.</summary>
public static class ReferenceImportReport
{
    public static string Comments(ReferenceImport import)
    {
        var lines = new List<string>();
        if (import.SkippedRows is { Count: > 0 } skipped)
        {
            lines.Add($"# skipped {skipped.Values.Sum()} rows of other models: {string.Join(", ", skipped.Select(s => $"{s.Key} ({s.Value})"))}");
        }

        lines.AddRange((import.Notes ?? []).Select(n => "# " + n.Replace('\n', ' ')));
        return lines.Count == 0 ? "" : string.Join('\n', lines) + "\n";
    }
}
