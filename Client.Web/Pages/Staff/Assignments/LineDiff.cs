namespace Grader.Web.Pages.Staff.Assignments;

public enum LineChange
{
    Same,
    Added,
    Removed,
}

/// <summary>One line of a diff, numbered (1-based) on each side it is on.</summary>
public sealed record LineDiffEntry(LineChange Change, int? OldNumber, int? NewNumber, string Text);

/// <summary>A line of the diff as shown, or a run of unchanged lines folded into a count.</summary>
public sealed record LineDiffRow(LineDiffEntry? Entry, int Folded);

/// <summary>The shortest line diff between two texts (Myers' O((N+M)D) algorithm), for reviewing a suite
/// before it replaces the stored one. Lines compare exactly, a carriage return included.</summary>
public static class LineDiff
{
    /// <summary>Past this many changed lines the diff stops looking for the shortest script and shows the
    /// differing middle as removed, then added: time and memory grow with the square of the edits.</summary>
    public const int MaxEdits = 1000;

    public static IReadOnlyList<LineDiffEntry> Compare(string? before, string after)
    {
        var a = Lines(before ?? "");
        var b = Lines(after);
        var prefix = 0;
        while (prefix < a.Length && prefix < b.Length && a[prefix] == b[prefix])
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < a.Length - prefix && suffix < b.Length - prefix && a[^(suffix + 1)] == b[^(suffix + 1)])
        {
            suffix++;
        }

        var entries = new List<LineDiffEntry>(Math.Max(a.Length, b.Length));
        for (var i = 0; i < prefix; i++)
        {
            entries.Add(new LineDiffEntry(LineChange.Same, i + 1, i + 1, a[i]));
        }

        var oldMiddle = a[prefix..^suffix];
        var newMiddle = b[prefix..^suffix];
        var script = Myers(oldMiddle, newMiddle) ?? Replace(oldMiddle.Length, newMiddle.Length);
        var (x, y) = (0, 0);
        foreach (var change in script)
        {
            entries.Add(change switch
            {
                LineChange.Same => new LineDiffEntry(change, prefix + ++x, prefix + ++y, oldMiddle[x - 1]),
                LineChange.Removed => new LineDiffEntry(change, prefix + ++x, null, oldMiddle[x - 1]),
                _ => new LineDiffEntry(change, null, prefix + ++y, newMiddle[y - 1]),
            });
        }

        for (var i = suffix; i > 0; i--)
        {
            entries.Add(new LineDiffEntry(LineChange.Same, a.Length - i + 1, b.Length - i + 1, a[^i]));
        }

        SlideDown(entries);
        return entries;
    }

    /// <summary>Moves each run of added (or removed) lines as far down as equal lines allow, as git does, so
    /// that a scenario appended after one much like it shows as that whole scenario added, not as the end of
    /// one and the start of the next. The number of changes stays the same.</summary>
    private static void SlideDown(List<LineDiffEntry> entries)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            var change = entries[i].Change;
            if (change == LineChange.Same || (i > 0 && entries[i - 1].Change == change))
            {
                continue;
            }

            var end = i;
            while (end < entries.Count && entries[end].Change == change)
            {
                end++;
            }

            for (var start = i; end < entries.Count && entries[end].Change == LineChange.Same && entries[start].Text == entries[end].Text; start++, end++)
            {
                var (first, next) = (entries[start], entries[end]);
                entries[start] = change == LineChange.Added
                    ? new LineDiffEntry(LineChange.Same, next.OldNumber, first.NewNumber, first.Text)
                    : new LineDiffEntry(LineChange.Same, first.OldNumber, next.NewNumber, first.Text);
                entries[end] = change == LineChange.Added
                    ? new LineDiffEntry(change, null, next.NewNumber, next.Text)
                    : new LineDiffEntry(change, next.OldNumber, null, next.Text);
            }
        }
    }

    /// <summary>Keeps <paramref name="context"/> unchanged lines around each change and folds longer
    /// unchanged runs into a count.</summary>
    public static IReadOnlyList<LineDiffRow> Fold(IReadOnlyList<LineDiffEntry> entries, int context = 3)
    {
        var keep = new bool[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Change == LineChange.Same)
            {
                continue;
            }

            for (var j = Math.Max(0, i - context); j <= Math.Min(entries.Count - 1, i + context); j++)
            {
                keep[j] = true;
            }
        }

        var rows = new List<LineDiffRow>();
        var folded = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            if (keep[i])
            {
                if (folded > 0)
                {
                    rows.Add(new LineDiffRow(null, folded));
                    folded = 0;
                }

                rows.Add(new LineDiffRow(entries[i], 0));
            }
            else
            {
                folded++;
            }
        }

        if (folded > 0)
        {
            rows.Add(new LineDiffRow(null, folded));
        }

        return rows;
    }

    /// <summary>The text's lines without their \n; a final line break does not start another line.</summary>
    public static string[] Lines(string text)
    {
        if (text.Length == 0)
        {
            return [];
        }

        var lines = text.Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }

    /// <summary>The edit script (in order) that turns <paramref name="a"/> into <paramref name="b"/> with the
    /// fewest added and removed lines, or null when that takes more than <see cref="MaxEdits"/>.</summary>
    private static List<LineChange>? Myers(string[] a, string[] b)
    {
        int n = a.Length, m = b.Length, max = n + m;
        var v = new int[2 * max + 2];
        // trace[d] holds v[-d..d] as it was before step d; backtracking needs nothing else.
        var trace = new List<int[]>();
        for (var d = 0; d <= Math.Min(max, MaxEdits); d++)
        {
            trace.Add(v[(max - d)..(max + d + 1)]);
            for (var k = -d; k <= d; k += 2)
            {
                var x = k == -d || (k != d && v[max + k - 1] < v[max + k + 1]) ? v[max + k + 1] : v[max + k - 1] + 1;
                var y = x - k;
                while (x < n && y < m && a[x] == b[y])
                {
                    (x, y) = (x + 1, y + 1);
                }

                v[max + k] = x;
                if (x >= n && y >= m)
                {
                    return Backtrack(trace, n, m);
                }
            }
        }

        return null;
    }

    private static List<LineChange> Backtrack(List<int[]> trace, int n, int m)
    {
        var script = new List<LineChange>();
        var (x, y) = (n, m);
        for (var d = trace.Count - 1; d >= 0; d--)
        {
            var v = trace[d];
            int At(int k) => v[k + d];
            var k = x - y;
            var previousK = k == -d || (k != d && At(k - 1) < At(k + 1)) ? k + 1 : k - 1;
            var previousX = d == 0 ? 0 : At(previousK);
            var previousY = previousX - previousK;
            while (x > previousX && y > previousY)
            {
                script.Add(LineChange.Same);
                (x, y) = (x - 1, y - 1);
            }

            if (d > 0)
            {
                script.Add(x == previousX ? LineChange.Added : LineChange.Removed);
            }

            (x, y) = (previousX, previousY);
        }

        script.Reverse();
        return script;
    }

    private static List<LineChange> Replace(int removed, int added) =>
        [.. Enumerable.Repeat(LineChange.Removed, removed), .. Enumerable.Repeat(LineChange.Added, added)];
}
