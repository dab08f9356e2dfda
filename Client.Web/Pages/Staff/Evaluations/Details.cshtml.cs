using Grader.Evaluations;
using Grader.Web.Auth.Http;
using Grader.Web.Evaluations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Grader.Web.Pages.Staff.Evaluations;

/// <summary>One evaluation: its progress (kept live by evaluation-live.js polling the JSON API), the
/// class list's rejected lines, a Cancel for what has not finished, and the protocol so far.</summary>
[Authorize(Policy = AuthSchemes.StaffPolicy)]
public sealed class EvaluationDetailsModel(IGrainFactory grains) : PageModel
{
    public EvaluationSummary Summary { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (await grains.GetGrain<IEvaluationGrain>(id).GetAsync() is not { } evaluation)
        {
            return NotFound();
        }

        Summary = await EvaluationsApi.SummariseAsync(evaluation, grains);
        return Page();
    }

    public async Task<IActionResult> OnPostCancelAsync(Guid id)
    {
        await grains.GetGrain<IEvaluationGrain>(id).CancelAsync(User.Username());
        return Redirect($"/staff/evaluations/{id}");
    }
}
