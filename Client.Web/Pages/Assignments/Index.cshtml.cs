using Grader.Web.Auth.Http;
using Grader.Web.Browse;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Grader.Web.Pages.Assignments;

/// <summary>The assignments a student may work on; staff also see archived ones, marked.</summary>
public sealed class AssignmentListModel(ReadModelQueries queries) : PageModel
{
    public IReadOnlyList<AssignmentRow> Assignments { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) =>
        Assignments = (await queries.AssignmentsAsync(ct)).Where(a => !a.Archived || User.IsStaff()).ToList();
}
