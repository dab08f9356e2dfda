using Grader.Web.Pages.Tasks;

namespace Grader.UnitTests.Web;

public class BodyDiffTests
{
    [Fact]
    public void LinesArePrettyPrintedWithTheirPathsAndMismatchingPathsHighlighted()
    {
        var lines = BodyDiff.Lines("""{"id":1,"tags":["a","b"],"name":"x"}""", [new Mismatch("$.tags[1]", "value mismatch", "\"b\"", "\"c\"")], expectedSide: true)!;

        Assert.Equal(["{", "1,", "[", "\"a\",", "\"b\"", "],", "\"x\"", "}"], lines.Select(l => l.Value));
        Assert.Equal(["$", "$.id", "$.tags", "$.tags[0]", "$.tags[1]", "$.tags", "$.name", "$"], lines.Select(l => l.Path));
        Assert.Equal(["$.tags[1]"], lines.Where(l => l.Highlighted).Select(l => l.Path));
        Assert.Equal([0, 1, 1, 2, 2, 1, 1, 0], lines.Select(l => l.Depth));
    }

    [Fact]
    public void AMismatchOnAnObjectHighlightsEverythingInsideIt()
    {
        var lines = BodyDiff.Lines("""{"a":{"b":1},"c":2}""", [new Mismatch("$.a", "type mismatch", null, null)], expectedSide: false)!;

        Assert.Equal(["$.a", "$.a.b", "$.a"], lines.Where(l => l.Highlighted).Select(l => l.Path));
    }

    [Fact]
    public void MatchersAreShownAsMatchersOnTheExpectedSideOnly()
    {
        var expected = BodyDiff.Lines("""{"at":"#datetime","text":"\\#1"}""", [], expectedSide: true)!;
        var actual = BodyDiff.Lines("""{"at":"#datetime"}""", [], expectedSide: false)!;

        Assert.Equal(("#datetime,", true), (expected[1].Value, expected[1].IsMatcher));
        Assert.Equal(("\"#1\"", false), (expected[2].Value, expected[2].IsMatcher));
        Assert.Equal(("\"#datetime\"", false), (actual[1].Value, actual[1].IsMatcher));
    }

    [Fact]
    public void AMissingItemIsMarkedOnTheExpectedSideAndAnExtraOneOnTheActualSide()
    {
        Mismatch[] mismatches = [new("$[1]", "missing item", "2", null), new("$[2]", "extra item", null, "9")];

        var expected = BodyDiff.Lines("[1,2,3]", mismatches, expectedSide: true)!;
        var actual = BodyDiff.Lines("[1,3,9]", mismatches, expectedSide: false)!;

        Assert.Equal(["$[1]"], expected.Where(l => l.Highlighted).Select(l => l.Path));
        Assert.Equal(["$[2]"], actual.Where(l => l.Highlighted).Select(l => l.Path));
    }

    [Fact]
    public void LongBodiesAreFoldedAroundTheDifferences()
    {
        var body = "[" + string.Join(",", Enumerable.Range(0, 100)) + "]";
        var lines = BodyDiff.Lines(body, [new Mismatch("$[50]", "value mismatch", "50", "51")], expectedSide: false)!;

        var rows = BodyDiff.Fold(lines, context: 2);

        // "[" and items 0..47 fold, items 48..52 stay, items 53..99 and "]" fold.
        Assert.Equal([49, 0, 0, 0, 0, 0, 48], rows.Select(r => r.Folded));
        Assert.Equal(["$[48]", "$[49]", "$[50]", "$[51]", "$[52]"], rows.Where(r => r.Line is not null).Select(r => r.Line!.Path));
    }

    [Fact]
    public void TextThatIsNotJsonHasNoLines()
    {
        Assert.Null(BodyDiff.Lines("Hello", [], expectedSide: false));
        Assert.Null(BodyDiff.Lines(null, [], expectedSide: true));
    }

    [Theory]
    [InlineData(GradingStatus.Completed, 6, 6, "full")]
    [InlineData(GradingStatus.Completed, 1, 6, "partial")]
    [InlineData(GradingStatus.Completed, 0, 6, "none")]
    [InlineData(GradingStatus.Failed, 0, 0, "none")]
    [InlineData(GradingStatus.Testing, 1, 6, "pending")]
    public void TheBadgeIsTheShareOfPoints(GradingStatus status, decimal score, decimal max, string share)
    {
        var view = new TaskView(Guid.NewGuid(), new TaskSpec("u", "a", "i", false), status, 1, null, DateTimeOffset.UnixEpoch, null, null, null, null,
            [], [], null, null, false, score, max, null);

        Assert.Equal(share, ScoreShare.Of(view));
    }
}
