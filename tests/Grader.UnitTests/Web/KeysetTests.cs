using Grader.Web.Browse;

namespace Grader.UnitTests.Web;

public sealed class KeysetTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    // Rows 0..n-1, newest first, each a second older than the one before.
    private static readonly IReadOnlyList<PageCursor> Rows = Enumerable.Range(0, 7).Select(i => new PageCursor(T0.AddSeconds(-i), Guid.NewGuid())).ToList();

    [Fact]
    public void ACursorSurvivesItsLinkAndRejectsAnythingElse()
    {
        var cursor = new PageCursor(new DateTimeOffset(2026, 12, 1, 12, 0, 0, 123, TimeSpan.FromHours(1)).AddTicks(4560), Guid.NewGuid());

        var parsed = PageCursor.Parse(cursor.ToString());

        Assert.Equal(cursor.At.UtcTicks, parsed!.At.UtcTicks);
        Assert.Equal(cursor.Id, parsed.Id);
        Assert.Null(PageCursor.Parse(null));
        Assert.Null(PageCursor.Parse("12-not-a-guid"));
        Assert.Null(PageCursor.Parse($"-5-{Guid.NewGuid():N}"));
        Assert.Null(PageCursor.Parse($"{long.MaxValue}-{Guid.NewGuid():N}"));
    }

    [Fact]
    public void ATextKeyedCursorKeepsItsKeyWholeAndAGuidListRefusesIt()
    {
        var cursor = new PageCursor(T0, "lab-2_a-b");

        var parsed = PageCursor.Parse(cursor.ToString(), textKey: true);

        Assert.Equal((cursor.At, "lab-2_a-b"), (parsed!.At, parsed.Key));
        Assert.Null(PageCursor.Parse(cursor.ToString()));
        Assert.Null(PageCursor.Parse($"{T0.UtcTicks}-", textKey: true));
        Assert.Null(PageCursor.Parse($"{T0.UtcTicks}-{new string('x', 257)}", textKey: true));
    }

    [Fact]
    public void PagingForwardThenBackVisitsEveryRowOnceInOrder()
    {
        var seen = new List<PageCursor>();
        var request = new PageRequest(null, null, 3);
        KeysetPage<PageCursor> page;
        var pages = new List<KeysetPage<PageCursor>>();
        do
        {
            page = Read(request);
            pages.Add(page);
            seen.AddRange(page.Rows);
            request = new PageRequest(page.Next, null, 3);
        }
        while (page.Next is not null);

        Assert.Equal(Rows, seen);
        Assert.Equal([3, 3, 1], pages.Select(p => p.Rows.Count));
        Assert.Null(pages[0].Previous);
        Assert.All(pages, p => Assert.Equal(7, p.Total));

        var back = new List<PageCursor>();
        page = pages[^1];
        while (page.Previous is not null)
        {
            page = Read(new PageRequest(null, page.Previous, 3));
            back.InsertRange(0, page.Rows);
            Assert.NotNull(page.Next);
        }

        Assert.Equal(Rows.Take(6), back);
    }

    [Fact]
    public void AnAfterCursorReadsOlderRowsAndABeforeCursorNewerOnes()
    {
        var cursor = new PageCursor(T0, Guid.Empty);
        Assert.Equal(("(t, id) < (@cursor_at, @cursor_id)", "t DESC, id DESC"), Keyset.Sql(new PageRequest(cursor, null), "t", "id"));
        Assert.Equal(("(t, id) > (@cursor_at, @cursor_id)", "t ASC, id ASC"), Keyset.Sql(new PageRequest(null, cursor), "t", "id"));
        Assert.Equal(("true", "t DESC, id DESC"), Keyset.Sql(new PageRequest(null, null), "t", "id"));
        Assert.True(PageRequest.Of(cursor.ToString(), cursor.ToString()).Backwards);
        Assert.Null(PageRequest.Of("junk", null).Cursor);
    }

    // What the SQL of Keyset.Sql returns over Rows, so Page is tested against the same contract.
    private static KeysetPage<PageCursor> Read(PageRequest request)
    {
        var read = request switch
        {
            { Before: { } b } => Rows.Where(r => r.At > b.At).Reverse().Take(request.Size + 1).ToList(),
            { After: { } a } => Rows.Where(r => r.At < a.At).Take(request.Size + 1).ToList(),
            _ => Rows.Take(request.Size + 1).ToList(),
        };
        return Keyset.Page(read, request, Rows.Count, r => r);
    }
}
