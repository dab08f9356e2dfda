using Grader.Web.Pages.Staff.Assignments;

namespace Grader.UnitTests.Web;

public class LineDiffTests
{
    [Fact]
    public void IdenticalTextsAreAllUnchanged()
    {
        var entries = LineDiff.Compare("a\nb\nc\n", "a\nb\nc\n");

        Assert.All(entries, e => Assert.Equal(LineChange.Same, e.Change));
        Assert.Equal([1, 2, 3], entries.Select(e => e.NewNumber!.Value));
    }

    [Fact]
    public void AChangedLineIsRemovedThenAddedWithEachSidesNumbers()
    {
        var entries = LineDiff.Compare("id: a\ntitle: old\npoints: 1\n", "id: a\ntitle: new\npoints: 1\nextra: x\n");

        Assert.Equal(
            [
                new LineDiffEntry(LineChange.Same, 1, 1, "id: a"),
                new LineDiffEntry(LineChange.Removed, 2, null, "title: old"),
                new LineDiffEntry(LineChange.Added, null, 2, "title: new"),
                new LineDiffEntry(LineChange.Same, 3, 3, "points: 1"),
                new LineDiffEntry(LineChange.Added, null, 4, "extra: x"),
            ],
            entries);
    }

    [Fact]
    public void TheClassicExampleTakesTheFewestEdits()
    {
        // Myers' paper: ABCABBA to CBABAC is five edits (the longest common subsequence has four lines).
        var entries = LineDiff.Compare(string.Join('\n', "ABCABBA".ToCharArray()), string.Join('\n', "CBABAC".ToCharArray()));

        Assert.Equal(5, entries.Count(e => e.Change != LineChange.Same));
        AssertRebuilds("ABCABBA".Select(c => c.ToString()).ToArray(), "CBABAC".Select(c => c.ToString()).ToArray(), entries);
    }

    [Fact]
    public void RandomPairsRebuildBothSidesWithTheFewestEdits()
    {
        var random = new Random(14);
        for (var run = 0; run < 500; run++)
        {
            var a = Enumerable.Range(0, random.Next(0, 25)).Select(_ => "abcd"[random.Next(4)].ToString()).ToArray();
            var b = Enumerable.Range(0, random.Next(0, 25)).Select(_ => "abcd"[random.Next(4)].ToString()).ToArray();
            var entries = LineDiff.Compare(string.Join('\n', a), string.Join('\n', b));

            AssertRebuilds(a, b, entries);
            Assert.Equal(a.Length + b.Length - (2 * CommonSubsequence(a, b)), entries.Count(e => e.Change != LineChange.Same));
        }
    }

    [Fact]
    public void AnAppendedBlockLikeTheOneBeforeItShowsWholeAtTheEnd()
    {
        var block = "- id: x\n  steps: []\n";
        var entries = LineDiff.Compare("top\n" + block, "top\n" + block + block.Replace("x", "y", StringComparison.Ordinal));

        Assert.Equal(["- id: y", "steps: []"], entries.Where(e => e.Change == LineChange.Added).Select(e => e.Text.Trim()));
        Assert.Equal([4, 5], entries.Where(e => e.Change == LineChange.Added).Select(e => e.NewNumber!.Value));
        var removed = LineDiff.Compare("a\nb\na\nb\nc", "a\nb\nc");
        Assert.Equal([3, 4], removed.Where(e => e.Change == LineChange.Removed).Select(e => e.OldNumber!.Value));
        AssertRebuilds(["a", "b", "a", "b", "c"], ["a", "b", "c"], removed);
    }

    [Fact]
    public void PastTheEditLimitTheMiddleIsShownRemovedThenAdded()
    {
        var a = Enumerable.Range(0, LineDiff.MaxEdits).Select(i => $"old {i}").Prepend("same").ToArray();
        var b = Enumerable.Range(0, LineDiff.MaxEdits).Select(i => $"new {i}").Prepend("same").ToArray();
        var entries = LineDiff.Compare(string.Join('\n', a), string.Join('\n', b));

        AssertRebuilds(a, b, entries);
        Assert.Equal(LineChange.Same, entries[0].Change);
        Assert.All(entries.Skip(1).Take(LineDiff.MaxEdits), e => Assert.Equal(LineChange.Removed, e.Change));
        Assert.All(entries.Skip(1 + LineDiff.MaxEdits), e => Assert.Equal(LineChange.Added, e.Change));
    }

    [Fact]
    public void ACarriageReturnIsAChangeAndAFinalLineBreakStartsNoLine()
    {
        Assert.Equal(["a", "b"], LineDiff.Lines("a\nb\n"));
        Assert.Empty(LineDiff.Lines(""));
        var entries = LineDiff.Compare("a\r\nb\n", "a\nb\n");
        Assert.Equal([LineChange.Removed, LineChange.Added, LineChange.Same], entries.Select(e => e.Change));
        Assert.Equal("a\r", entries[0].Text);
    }

    [Fact]
    public void NoStoredSuiteMeansEveryLineIsAdded()
    {
        var entries = LineDiff.Compare(null, "version: 1\nscenarios: []\n");

        Assert.Equal([LineChange.Added, LineChange.Added], entries.Select(e => e.Change));
    }

    [Fact]
    public void FoldingKeepsContextAroundChangesAndCountsTheRest()
    {
        var before = string.Join('\n', Enumerable.Range(1, 20).Select(i => $"line {i}"));
        var after = before.Replace("line 10", "line ten", StringComparison.Ordinal);
        var rows = LineDiff.Fold(LineDiff.Compare(before, after), context: 2);

        Assert.Equal(7, rows[0].Folded);
        Assert.Equal(["line 8", "line 9", "line 10", "line ten", "line 11", "line 12"], rows.Skip(1).Take(6).Select(r => r.Entry!.Text));
        Assert.Equal(8, rows[^1].Folded);
        Assert.Equal(8, rows.Count);
        Assert.DoesNotContain(LineDiff.Fold(LineDiff.Compare("a\nb", "a\nb")), r => r.Entry is not null);
    }

    [Theory]
    [InlineData("hw1.yaml:6:5: unknown key 'requets'", "hw1.yaml:6:5", 6, 5, "unknown key 'requets'")]
    [InlineData("a:b.yaml:12:1: x: y", "a:b.yaml:12:1", 12, 1, "x: y")]
    [InlineData("hw1.yaml: SQL checks need a database", null, 0, 0, "hw1.yaml: SQL checks need a database")]
    [InlineData("hw1.yaml:0:3: bad", null, 0, 0, "hw1.yaml:0:3: bad")]
    public void ErrorsWithAPlaceBecomeLinks(string error, string? place, int line, int column, string message) =>
        Assert.Equal(new SuiteErrorLink(place, line, column, message), SuiteErrorLink.Parse(error));

    private static void AssertRebuilds(string[] a, string[] b, IReadOnlyList<LineDiffEntry> entries)
    {
        var old = entries.Where(e => e.Change != LineChange.Added).ToList();
        var updated = entries.Where(e => e.Change != LineChange.Removed).ToList();
        Assert.Equal(a, old.Select(e => e.Text));
        Assert.Equal(b, updated.Select(e => e.Text));
        Assert.Equal(Enumerable.Range(1, a.Length), old.Select(e => e.OldNumber!.Value));
        Assert.Equal(Enumerable.Range(1, b.Length), updated.Select(e => e.NewNumber!.Value));
    }

    private static int CommonSubsequence(string[] a, string[] b)
    {
        var table = new int[a.Length + 1, b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                table[i, j] = a[i - 1] == b[j - 1] ? table[i - 1, j - 1] + 1 : Math.Max(table[i - 1, j], table[i, j - 1]);
            }
        }

        return table[a.Length, b.Length];
    }
}
