using Grader.Assignments;
using Grader.Web.Auth.Http;
using Grader.Web.Browse;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Grader.Web.Pages.Staff.Assignments;

[Authorize(Policy = AuthSchemes.StaffPolicy)]
public sealed class AssignmentsIndexModel(ReadModelQueries queries, IGrainFactory grains) : PageModel
{
    public IReadOnlyList<AssignmentRow> Assignments { get; private set; } = [];

    public string? NewId { get; private set; }

    public string? NewTitle { get; private set; }

    public IReadOnlyList<string> Errors { get; private set; } = [];

    public Pager Pager { get; private set; } = new(0, 0, "assignments", null, null);

    /// <summary>The filter from the query string: part of the id or title, and "yes"/"no" for archived.</summary>
    public string? Contains { get; private set; }

    public string? Archived { get; private set; }

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    /// <summary>Creates an assignment with sensible defaults; its settings and suite are edited next.</summary>
    public async Task<IActionResult> OnPostAsync([FromForm] string? id, [FromForm] string? title, CancellationToken ct)
    {
        (NewId, NewTitle) = (id?.Trim(), title?.Trim());
        var definition = new AssignmentDefinition(NewId ?? "", NewTitle ?? "", DatabaseMode.None, null, ["public"], new Dictionary<string, string>(),
            AssignmentDefinition.DefaultPort, null, 60, 20, new ResourceLimits(), []);
        // The rules for an assignment are the grain's; the page only says what the form left empty.
        var errors = new[] { ("id", NewId), ("title", NewTitle) }.Where(f => string.IsNullOrWhiteSpace(f.Item2)).Select(f => $"the {f.Item1} is required").ToList();
        if (errors.Count == 0 && await grains.GetGrain<IAssignmentGrain>(NewId!).GetAsync() is not null)
        {
            errors.Add($"an assignment '{NewId}' already exists");
        }

        if (errors.Count == 0 && await grains.GetGrain<IAssignmentGrain>(NewId!).SetAsync(definition, User.Username()) is { Stored: false } refused)
        {
            errors.AddRange(refused.Errors);
        }

        if (errors.Count > 0)
        {
            Errors = errors;
            await LoadAsync(ct);
            return Page();
        }

        return Redirect($"/staff/assignments/{NewId}");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Contains = string.IsNullOrWhiteSpace(Request.Query["q"]) ? null : Request.Query["q"].ToString().Trim();
        Archived = Request.Query["archived"].ToString() is "yes" or "no" ? Request.Query["archived"].ToString() : null;
        var page = await queries.AssignmentPageAsync(Contains, Archived is null ? null : Archived == "yes",
            PageRequest.Of(Request.Query["after"], Request.Query["before"], textKey: true), ct);
        Assignments = page.Rows;
        Pager = Pager.For(page, Request, "assignments");
    }
}
