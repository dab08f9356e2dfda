using System.Globalization;

namespace Grader.Web.Browse;

/// <summary>A position in a list ordered newest first by (time, key): unique and stable while rows are added,
/// unlike an offset. The key is a row's id (a Guid) or, for lists keyed by name, its unique text.
/// Written in links as <c>{UTC ticks}-{key}</c>.</summary>
public sealed record PageCursor(DateTimeOffset At, string Key)
{
    public PageCursor(DateTimeOffset at, Guid id)
        : this(at, id.ToString("N"))
    {
    }

    /// <summary>The key as a Guid, for lists keyed by id (their cursors are parsed as Guids, so this holds).</summary>
    public Guid Id => Guid.ParseExact(Key, "N");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{At.UtcTicks}-{Key}");

    /// <param name="textKey">True for lists keyed by text: any non-empty key is taken; otherwise it must be a Guid.</param>
    public static PageCursor? Parse(string? text, bool textKey = false)
    {
        var parts = text?.Split('-', 2);
        return parts is [var ticks, var key]
            && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t >= 0 && t <= DateTimeOffset.MaxValue.UtcTicks
            && (textKey ? key.Length is > 0 and <= 256 : Guid.TryParseExact(key, "N", out _))
            ? new PageCursor(new DateTimeOffset(t, TimeSpan.Zero), key)
            : null;
    }
}

/// <summary>Which page: the first, the one after <see cref="After"/> (older rows) or the one before
/// <see cref="Before"/> (newer rows).</summary>
public sealed record PageRequest(PageCursor? After, PageCursor? Before, int Size = PageRequest.DefaultSize)
{
    public const int DefaultSize = 50;

    public static PageRequest Of(string? after, string? before, int size = DefaultSize, bool textKey = false) =>
        PageCursor.Parse(before, textKey) is { } b ? new(null, b, size) : new(PageCursor.Parse(after, textKey), null, size);

    /// <summary>Backwards pages are read oldest first from the cursor, then turned round.</summary>
    public bool Backwards => Before is not null;

    public PageCursor? Cursor => Before ?? After;
}

/// <summary>One page of a list, newest first, with the list's total and links onwards either way.</summary>
public sealed record KeysetPage<T>(IReadOnlyList<T> Rows, long Total, PageCursor? Next, PageCursor? Previous);

public static class Keyset
{
    /// <summary>The SQL condition and order for a page, over the columns <paramref name="at"/> and <paramref name="id"/>;
    /// the query binds <c>@cursor_at</c> and <c>@cursor_id</c> and reads <see cref="PageRequest.Size"/> + 1 rows.</summary>
    public static (string Where, string OrderBy) Sql(PageRequest request, string at, string id) => request switch
    {
        { Before: not null } => ($"({at}, {id}) > (@cursor_at, @cursor_id)", $"{at} ASC, {id} ASC"),
        { After: not null } => ($"({at}, {id}) < (@cursor_at, @cursor_id)", $"{at} DESC, {id} DESC"),
        _ => ("true", $"{at} DESC, {id} DESC"),
    };

    /// <summary>Turns the rows read (one more than a page, in the query's order) into a page, newest first.
    /// The extra row only says whether there is more in the direction read.</summary>
    public static KeysetPage<T> Page<T>(IReadOnlyList<T> read, PageRequest request, long total, Func<T, PageCursor> key)
    {
        var more = read.Count > request.Size;
        var rows = read.Take(request.Size).ToList();
        if (request.Backwards)
        {
            rows.Reverse();
        }

        if (rows.Count == 0)
        {
            return new KeysetPage<T>(rows, total, null, null);
        }

        var olderExist = request.Backwards || more;
        var newerExist = request.Backwards ? more : request.After is not null;
        return new KeysetPage<T>(rows, total, olderExist ? key(rows[^1]) : null, newerExist ? key(rows[0]) : null);
    }
}
