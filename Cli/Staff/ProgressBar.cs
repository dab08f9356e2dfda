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
    /// floor but at least one cell if it is not zero (so one running task among a thousand still shows);
    /// the largest part gives back what that overdraws, and the largest remainders get what is left.</summary>
    private static int[] Cells(EvaluationCounts counts, int width)
    {
        int[] parts = [counts.Done, counts.Failed, counts.Running, counts.Queued];
        var total = parts.Sum();
        if (total == 0)
        {
            return [0, 0, 0, width];
        }

        var cells = parts.Select(p => p == 0 ? 0 : Math.Max(1, p * width / total)).ToArray();
        while (cells.Sum() > width && cells.Max() > 1)
        {
            cells[Array.IndexOf(cells, cells.Max())]--;
        }

        var byRemainder = Enumerable.Range(0, parts.Length).Where(i => parts[i] > 0).OrderByDescending(i => parts[i] * width % total).ToList();
        for (var k = 0; cells.Sum() < width; k++)
        {
            cells[byRemainder[k % byRemainder.Count]]++;
        }

        return cells;
    }
}
