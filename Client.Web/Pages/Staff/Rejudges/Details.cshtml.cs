using Grader.Rejudges;
using Grader.Web.Auth.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Grader.Web.Pages.Staff.Rejudges;

/// <summary>A rejudge's preview: old against new per student, changes marked, and Apply or Discard.</summary>
[Authorize(Policy = AuthSchemes.StaffPolicy)]
public sealed class RejudgeDetailsModel(IGrainFactory grains) : PageModel
{
    public RejudgePreview Preview { get; private set; } = null!;

    public string? Refusal { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (await grains.GetGrain<IRejudgeGrain>(id).PreviewAsync() is not { } preview)
        {
            return NotFound();
        }

        Preview = preview;
        return Page();
    }

    public Task<IActionResult> OnPostApplyAsync(Guid id) => DecideAsync(grains.GetGrain<IRejudgeGrain>(id).ApplyAsync(User.Username()));

    public Task<IActionResult> OnPostDiscardAsync(Guid id) => DecideAsync(grains.GetGrain<IRejudgeGrain>(id).DiscardAsync(User.Username()));

    private async Task<IActionResult> DecideAsync(Task<RejudgeDecisionResult> decision)
    {
        var result = await decision;
        if (result.Preview is null)
        {
            return NotFound();
        }

        Preview = result.Preview;
        Refusal = result.Refusal;
        return Page();
    }
}
