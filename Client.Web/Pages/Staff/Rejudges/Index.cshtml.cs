using Grader.Database;
using Grader.Evaluations;
using Grader.Rejudges;
using Grader.Web.Auth.Http;
using Grader.Web.Gradebook;
using Grader.Web.Rejudges;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Grader.Web.Pages.Staff.Rejudges;

/// <summary>An assignment's rejudges (the history) and the form that starts one; the API's own code does both.</summary>
[Authorize(Policy = AuthSchemes.StaffPolicy)]
public sealed class RejudgesPageModel(GraderDataSource database, GradebookService gradebook, IGrainFactory grains) : PageModel
{
    public string Id { get; private set; } = "";

    public IReadOnlyList<RejudgeListRow> History { get; private set; } = [];

    public string? Error { get; private set; }

    [BindProperty]
    public RejudgeScope Scope { get; set; }

    [BindProperty]
    public Guid? EvaluationId { get; set; }

    public async Task<IActionResult> OnGetAsync(string id)
    {
        Id = id;
        History = await RejudgeHistory.ListAsync(database, id, HttpContext.RequestAborted);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id)
    {
        var (view, error) = await RejudgesApi.BeginAsync(id, new RejudgeStartBody(Scope, EvaluationId), User.Username(), gradebook, grains, HttpContext.RequestAborted);
        if (view is not null)
        {
            return Redirect($"/staff/rejudges/{view.Id}");
        }

        if (error is null)
        {
            return NotFound();
        }

        Error = error;
        return await OnGetAsync(id);
    }
}
