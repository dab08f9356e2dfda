using Grader.Web.Auth.Http;
using Grader.Web.Gradebook;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Grader.Web.Pages.Staff.Gradebook;

/// <summary>One assignment's students by scenarios, each row the task the grade rule picked.</summary>
[Authorize(Policy = AuthSchemes.StaffPolicy)]
public sealed class GradebookPageModel(GradebookService gradebook) : PageModel
{
    public GradebookGrid Grid { get; private set; } = null!;

    public GradebookFilter Filter { get; private set; } = new();

    /// <summary>The filter as a query string, for the export links.</summary>
    public string FilterQuery { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string id, [FromQuery(Name = "q")] string? search, [FromQuery] string? status, CancellationToken ct)
    {
        Filter = new GradebookFilter(string.IsNullOrWhiteSpace(search) ? null : search.Trim(), string.IsNullOrWhiteSpace(status) ? null : status);
        if (await gradebook.BuildAsync(id, Filter, ct) is not { } grid)
        {
            return NotFound();
        }

        Grid = grid;
        var query = new List<KeyValuePair<string, string?>>();
        if (Filter.Search is { } s)
        {
            query.Add(new("search", s));
        }

        if (Filter.Status is { } st)
        {
            query.Add(new("status", st));
        }

        FilterQuery = Microsoft.AspNetCore.Http.QueryString.Create(query).ToString();
        return Page();
    }
}
