using Grader.Web.Auth.Http;
using Grader.Web.Queries;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Grader.Web.Pages.Staff.Queries;

/// <summary>The saved queries, and for admins an ad-hoc read-only query and the recent runs.</summary>
public sealed class QueriesIndexModel(SavedQueryCatalog catalog, QueryRunner runner, AuditLog audit) : PageModel
{
    public IReadOnlyList<SavedQuery> Saved => catalog.All;

    public bool IsAdmin => User.IsAdmin();

    [BindProperty]
    public string? Sql { get; set; }

    public QueryResult? Result { get; private set; }

    public IReadOnlyList<AuditEntry> RecentRuns { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadRecentAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        Result = await runner.RunAdHocAsync(Sql ?? "", User.Username(), ct);
        await LoadRecentAsync(ct);
        return Page();
    }

    private async Task LoadRecentAsync(CancellationToken ct) =>
        RecentRuns = IsAdmin ? await audit.RecentAsync("query.", 20, ct) : [];
}
