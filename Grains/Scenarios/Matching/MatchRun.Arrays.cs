using System.Text.Json;
using Grader.Tasks;

namespace Grader.Scenarios;

internal sealed partial class MatchRun
{
    /// <summary>Equal lengths compare item by item. Otherwise the items are aligned first, so a missing or
    /// an extra item is named once and the others still compare with their counterparts; only an empty
    /// side is reported as a length.</summary>
    private void CompareOrdered(ExpectedNode expected, JsonElement actual)
    {
        var expectedLength = expected.Items.Length;
        var actualLength = actual.GetArrayLength();
        if (expectedLength == actualLength)
        {
            // An enumerator, not the indexer: JsonElement's indexer walks from the start for arrays of objects.
            var i = 0;
            foreach (var item in actual.EnumerateArray())
            {
                if (Full)
                {
                    return;
                }

                _path.Add(PathSegment.Item(i));
                Compare(expected.Items[i++], item);
                _path.RemoveAt(_path.Count - 1);
            }

            return;
        }

        if (expectedLength == 0 || actualLength == 0)
        {
            // Every item would be listed: the length says it in one row.
            Add($"array length mismatch: expected {expectedLength} items, got {actualLength}", null, null, "array", "array");
            return;
        }

        // No length row here: the alignment names each missing or extra item, and a length row beside
        // it would report the same dropped item twice.

        var actualItems = actual.EnumerateArray().ToArray();
        foreach (var (e, a) in ArrayAlignment.Align(expected, actualItems, Fits, ct))
        {
            if (Full)
            {
                return;
            }

            if (a < 0)
            {
                _path.Add(PathSegment.Item(e));
                Add("missing item", expected.Items[e].Preview, null, JsonMatcher.TypeName(expected.Items[e].ValueKind), "missing");
            }
            else if (e < 0)
            {
                _path.Add(PathSegment.Item(a, a));
                Add("extra item", null, JsonMatcher.Preview(actualItems[a]), "missing", JsonMatcher.TypeName(actualItems[a].ValueKind));
            }
            else
            {
                _path.Add(e == a ? PathSegment.Item(e) : PathSegment.Item(e, a));
                Compare(expected.Items[e], actualItems[a]);
            }

            _path.RemoveAt(_path.Count - 1);
        }
    }

    /// <summary>Pairs expected with actual items as a maximum matching (augmenting paths after a first-fit
    /// pass), so a general item such as "#string" never takes the only item a specific one fits.</summary>
    private void CompareUnordered(ExpectedNode expected, JsonElement actual)
    {
        var expectedItems = expected.Items;
        var actualItems = actual.EnumerateArray().ToArray();
        var fits = new Dictionary<(int, int), bool>();
        bool Fit(int i, int j)
        {
            if (!fits.TryGetValue((i, j), out var fit))
            {
                fit = fits[(i, j)] = Fits(i, expectedItems[i], actualItems[j]);
            }

            return fit;
        }

        var expectedPartner = Enumerable.Repeat(-1, expectedItems.Length).ToArray();
        var actualPartner = Enumerable.Repeat(-1, actualItems.Length).ToArray();
        for (var i = 0; i < expectedItems.Length; i++)
        {
            for (var j = 0; j < actualItems.Length && expectedPartner[i] < 0; j++)
            {
                if (actualPartner[j] < 0 && Fit(i, j))
                {
                    (expectedPartner[i], actualPartner[j]) = (j, i);
                }
            }
        }

        bool Augment(int i, bool[] visited)
        {
            for (var j = 0; j < actualItems.Length; j++)
            {
                if (!visited[j] && Fit(i, j))
                {
                    visited[j] = true;
                    if (actualPartner[j] < 0 || Augment(actualPartner[j], visited))
                    {
                        (expectedPartner[i], actualPartner[j]) = (j, i);
                        return true;
                    }
                }
            }

            return false;
        }

        for (var i = 0; i < expectedItems.Length; i++)
        {
            if (expectedPartner[i] < 0)
            {
                Augment(i, new bool[actualItems.Length]);
            }
        }

        ReportUnpaired(expectedItems, actualItems, expectedPartner, actualPartner);
    }

    private void ReportUnpaired(ExpectedNode[] expectedItems, JsonElement[] actualItems, int[] expectedPartner, int[] actualPartner)
    {
        // An actual item already shown as some expected item's nearest candidate is not listed again.
        var named = new HashSet<int>();
        for (var i = 0; i < expectedItems.Length && !Full; i++)
        {
            if (expectedPartner[i] >= 0)
            {
                continue;
            }

            _path.Add(PathSegment.Item(i));
            var candidates = Enumerable.Range(0, actualItems.Length).Where(j => actualPartner[j] < 0).ToList();
            if (candidates.Count == 0)
            {
                Add("unmatched array item: no actual items left", expectedItems[i].Preview, null, JsonMatcher.TypeName(expectedItems[i].ValueKind), "missing");
            }
            else
            {
                _path.RemoveAt(_path.Count - 1);
                var (best, differences) = candidates.Select(j => (j, Differences(i, expectedItems[i], actualItems[j], 20))).MinBy(c => c.Item2.Count);
                _path.Add(PathSegment.Item(i));
                var first = differences[0];
                named.Add(best);
                Add($"unmatched array item: nearest candidate is item [{best}], which differs at {first.Path} ({first.Reason})",
                    expectedItems[i].Preview, JsonMatcher.Preview(actualItems[best]), expectedItems[i].ValueKind, actualItems[best].ValueKind);
            }

            _path.RemoveAt(_path.Count - 1);
        }

        for (var j = 0; j < actualItems.Length && !Full; j++)
        {
            if (actualPartner[j] < 0 && !named.Contains(j))
            {
                _path.Add(PathSegment.Item(j));
                Add("unexpected array item", null, JsonMatcher.Preview(actualItems[j]), "missing", JsonMatcher.TypeName(actualItems[j].ValueKind));
                _path.RemoveAt(_path.Count - 1);
            }
        }
    }

    /// <summary>Whether an item matches, as a comparison stopped at its first difference.</summary>
    private bool Fits(int index, ExpectedNode expected, JsonElement actual) => Probe(index, expected, actual, 1).Count == 0;

    private List<Mismatch> Differences(int index, ExpectedNode expected, JsonElement actual, int cap) => [.. Probe(index, expected, actual, cap)];

    /// <summary>Runs a nested comparison on a reused run; the returned list is only valid until the next probe.</summary>
    private List<Mismatch> Probe(int index, ExpectedNode expected, JsonElement actual, int cap)
    {
        var probe = _probe ??= new MatchRun(options, values, ct);
        probe.Mismatches.Clear();
        probe._cap = cap;
        probe._path.Clear();
        probe._path.AddRange(_path);
        probe._path.Add(PathSegment.Item(index));
        probe.Compare(expected, actual);
        return probe.Mismatches;
    }
}
