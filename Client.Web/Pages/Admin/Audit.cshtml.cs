using Grader.Web.Queries;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Grader.Web.Pages.Admin;

/// <summary>The audit log, newest first, paged by id (keyset) so an old page stays stable while rows arrive.</summary>
public sealed class AuditModel(AuditLog audit) : PageModel
{
    public const int PageSize = 50;

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public string? Action { get; private set; }

    public long? Before { get; private set; }

    /// <summary>The id to page on from, or null on the last page.</summary>
    public long? Next { get; private set; }

    public async Task OnGetAsync(string? action, long? before, CancellationToken ct)
    {
        Action = string.IsNullOrWhiteSpace(action) ? null : action.Trim();
        Before = before;
        // One extra row tells whether an older page exists.
        var rows = await audit.PageAsync(Action, before, PageSize + 1, ct);
        Entries = rows.Take(PageSize).ToList();
        Next = rows.Count > PageSize ? Entries[^1].Id : null;
    }
}
