using Grader.Web.Auth.Http;
using Grader.Web.Browse;
using Grader.Web.Evaluations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Grader.Web.Pages.Staff.Evaluations;

/// <summary>Every evaluation started so far, newest first, a page at a time, each linking to its own page.</summary>
[Authorize(Policy = AuthSchemes.StaffPolicy)]
public sealed class PastEvaluationsModel(EvaluationListQueries evaluations, ReadModelQueries queries) : PageModel
{
    public string? AssignmentId { get; private set; }

    public IReadOnlyList<AssignmentRow> Assignments { get; private set; } = [];

    public IReadOnlyList<EvaluationListRow> Rows { get; private set; } = [];

    public Pager Pager { get; private set; } = new(0, 0, "evaluations", null, null);

    public async Task OnGetAsync(string? assignment, string? after, string? before, CancellationToken ct)
    {
        AssignmentId = string.IsNullOrWhiteSpace(assignment) ? null : assignment.Trim();
        Assignments = await queries.AssignmentsAsync(ct);
        var page = await evaluations.PageAsync(AssignmentId, PageRequest.Of(after, before), ct);
        Rows = page.Rows;
        Pager = Pager.For(page, Request, "evaluations");
    }
}
