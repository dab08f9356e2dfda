using Grader.Web.Auth.Http;
using Grader.Web.Browse;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Grader.Web.Pages.Tasks;

/// <summary>A student's history, or, for staff, every task, with filters. Students are always held to
/// their own tasks, whatever the query string says.</summary>
public sealed class TasksIndexModel(ReadModelQueries queries) : PageModel
{
    public bool IsStaff => User.IsStaff();

    public TaskFilter Filter { get; private set; } = new(null, null, null, null, null, null);

    public IReadOnlyList<AssignmentRow> Assignments { get; private set; } = [];

    public IReadOnlyList<TaskRow> Rows { get; private set; } = [];

    public Pager Pager { get; private set; } = new(0, 0, "tasks", null, null);

    public async Task OnGetAsync(string? assignment, string? status, string? user, string? q, DateOnly? from, DateOnly? to, string? after, string? before, CancellationToken ct)
    {
        Filter = new TaskFilter(
            IsStaff ? Blank(user) : User.Username(),
            Blank(assignment), Blank(status), from, to, IsStaff ? Blank(q) : null);
        Assignments = await queries.AssignmentsAsync(ct);
        var page = await queries.TaskPageAsync(Filter, PageRequest.Of(after, before), ct);
        Rows = page.Rows;
        Pager = Pager.For(page, Request, "tasks");
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
