namespace Grader.Cli.Staff;

/// <summary>An evaluation's counts as the API folds them (done, running, queued, failed of total).</summary>
public sealed record EvaluationCounts(int Done, int Running, int Queued, int Failed, int Total)
{
    public bool Finished => Done + Failed == Total;
}

/// <summary>One text line for an evaluation's progress: <c>#</c> done, <c>x</c> failed, <c>&gt;</c>
/// running, <c>.</c> queued, each part as wide as its share of the total.</summary>
public static class ProgressBar
{
    public static string Render(EvaluationCounts counts, int width = 30)
    {
        var cells = Cells(counts, width);
        var bar = new string('#', cells[0]) + new string('x', cells[1]) + new string('>', cells[2]) + new string('.', cells[3]);
        return $"[{bar}] {counts.Done + counts.Failed}/{counts.Total}  done {counts.Done} · running {counts.Running} · queued {counts.Queued} · failed {counts.Failed}";
    }

    /// <summary>Cells per part (done, failed, running, queued) adding up to the width: each part gets its
    /// floor, and the cells left go first to parts that are not zero but got none, then to the largest
    /// remainders (one pass is enough: fewer cells are left than parts with a remainder).</summary>
    private static int[] Cells(EvaluationCounts counts, int width)
    {
        int[] parts = [counts.Done, counts.Failed, counts.Running, counts.Queued];
        var total = parts.Sum();
        if (total == 0)
        {
            return [0, 0, 0, width];
        }

        var cells = parts.Select(p => p * width / total).ToArray();
        var order = Enumerable.Range(0, parts.Length).Where(i => parts[i] > 0)
            .OrderBy(i => cells[i] == 0 ? 0 : 1).ThenByDescending(i => parts[i] * width % total);
        foreach (var i in order)
        {
            if (cells.Sum() < width)
            {
                cells[i]++;
            }
        }

        return cells;
    }
}
