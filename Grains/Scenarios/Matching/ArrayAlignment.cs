using System.Text.Json;

namespace Grader.Scenarios;

/// <summary>Lines up the items of an expected and an actual array of different lengths, so one missing
/// item does not shift every later one. Items pair by the expected objects' key (e.g. <c>id</c>) where
/// they have one, otherwise by equality. The equal prefix and suffix are taken first (a single missing
/// or extra item costs linear time), then a longest common subsequence on what is left between them,
/// bounded in size; items left between two pairs are compared in place when unkeyed, or reported
/// missing and extra when their keys differ.</summary>
internal static class ArrayAlignment
{
    /// <summary>Table cells for the middle part: key comparisons are cheap, equality probes are not.</summary>
    private const long MaxKeyedCells = 1_000_000;
    private const long MaxProbedCells = 40_000;

    /// <returns>Pairs in order: (expected, actual), (expected, -1) for a missing item, (-1, actual) for an extra one.</returns>
    public static List<(int Expected, int Actual)> Align(ExpectedNode array, JsonElement[] actual,
        Func<int, ExpectedNode, JsonElement, bool> fits, CancellationToken ct)
    {
        var items = array.Items;
        Func<int, int, bool> same;
        var keyed = array.AlignKey is { } key;
        if (keyed)
        {
            var actualKeys = actual.Select(a => a.ValueKind == JsonValueKind.Object && a.TryGetProperty(array.AlignKey!, out var v) ? ExpectedNode.CanonicalKey(v) : null).ToArray();
            same = (i, j) => actualKeys[j] is { } k && k == array.ItemKeys![i];
        }
        else
        {
            same = (i, j) => fits(i, items[i], actual[j]);
        }

        var n = items.Length;
        var m = actual.Length;
        var pairs = new List<(int, int)>();
        var prefix = 0;
        while (prefix < n && prefix < m && same(prefix, prefix))
        {
            pairs.Add((prefix, prefix));
            prefix++;
        }

        var suffix = 0;
        while (suffix < n - prefix && suffix < m - prefix && same(n - 1 - suffix, m - 1 - suffix))
        {
            suffix++;
        }

        var middle = new Middle(prefix, n - suffix, prefix, m - suffix, same, keyed, pairs);
        var cells = (long)(middle.Rows + 1) * (middle.Columns + 1);
        if (cells <= (keyed ? MaxKeyedCells : MaxProbedCells))
        {
            middle.AlignByLcs(ct);
        }
        else
        {
            middle.Gap(prefix, n - suffix, prefix, m - suffix);
        }

        for (var k = 0; k < suffix; k++)
        {
            pairs.Add((n - suffix + k, m - suffix + k));
        }

        return pairs;
    }

    private sealed class Middle(int e0, int e1, int a0, int a1, Func<int, int, bool> same, bool keyed, List<(int, int)> pairs)
    {
        public int Rows => e1 - e0;

        public int Columns => a1 - a0;

        public void AlignByLcs(CancellationToken ct)
        {
            var width = Columns + 1;
            var length = new int[(Rows + 1) * width];
            var equal = new bool[Math.Max(1, Rows * Columns)];
            for (var i = Rows - 1; i >= 0; i--)
            {
                ct.ThrowIfCancellationRequested();
                for (var j = Columns - 1; j >= 0; j--)
                {
                    var eq = equal[(i * Columns) + j] = same(e0 + i, a0 + j);
                    length[(i * width) + j] = eq
                        ? length[((i + 1) * width) + j + 1] + 1
                        : Math.Max(length[((i + 1) * width) + j], length[(i * width) + j + 1]);
                }
            }

            int x = 0, y = 0, gapE = 0, gapA = 0;
            while (x < Rows && y < Columns)
            {
                if (equal[(x * Columns) + y])
                {
                    Gap(e0 + gapE, e0 + x, a0 + gapA, a0 + y);
                    pairs.Add((e0 + x, a0 + y));
                    (gapE, gapA) = (++x, ++y);
                }
                else if (length[((x + 1) * width) + y] >= length[(x * width) + y + 1])
                {
                    x++;
                }
                else
                {
                    y++;
                }
            }

            Gap(e0 + gapE, e1, a0 + gapA, a1);
        }

        /// <summary>Items between two pairs: unkeyed ones compare in place (they are changed items), the rest
        /// are missing or extra.</summary>
        public void Gap(int fromE, int toE, int fromA, int toA)
        {
            var inPlace = keyed ? 0 : Math.Min(toE - fromE, toA - fromA);
            for (var k = 0; k < inPlace; k++)
            {
                pairs.Add((fromE + k, fromA + k));
            }

            for (var i = fromE + inPlace; i < toE; i++)
            {
                pairs.Add((i, -1));
            }

            for (var j = fromA + inPlace; j < toA; j++)
            {
                pairs.Add((-1, j));
            }
        }
    }
}
