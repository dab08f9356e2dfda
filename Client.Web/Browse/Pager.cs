using Microsoft.AspNetCore.Http.Extensions;

namespace Grader.Web.Browse;

/// <summary>What a list shows under its rows: how many match in all, and links to the next (older) and
/// previous (newer) page that keep the list's filters.</summary>
public sealed record Pager(long Total, int Shown, string Noun, string? NextHref, string? PreviousHref)
{
    public static Pager For<T>(KeysetPage<T> page, HttpRequest request, string noun)
    {
        string Link(string key, PageCursor cursor)
        {
            var query = new QueryBuilder(request.Query
                .Where(q => q.Key is not ("after" or "before"))
                .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? ""))))
            {
                { key, cursor.ToString() },
            };
            return request.Path + query.ToQueryString().Value;
        }

        return new Pager(page.Total, page.Rows.Count, noun,
            page.Next is { } next ? Link("after", next) : null,
            page.Previous is { } previous ? Link("before", previous) : null);
    }
}
