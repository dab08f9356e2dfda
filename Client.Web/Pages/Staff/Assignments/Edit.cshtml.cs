using Grader.Assignments;
using Grader.Tasks;
using Grader.Web.Auth.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Grader.Web.Pages.Staff.Assignments;

/// <summary>One assignment for staff: its settings, a way to its suite editor, and a dry run of a
/// reference solution.</summary>
[Authorize(Policy = AuthSchemes.StaffPolicy)]
public sealed class EditAssignmentModel(IGrainFactory grains) : PageModel
{
    public string Id { get; private set; } = "";

    [BindProperty]
    public AssignmentForm Form { get; set; } = new();

    public int ScenarioCount { get; private set; }

    public string? ReferenceImage { get; private set; }

    public string? Notice { get; private set; }

    public string? DryRunError { get; private set; }

    public IReadOnlyList<string> SettingsErrors { get; private set; } = [];

    private IAssignmentGrain Grain => grains.GetGrain<IAssignmentGrain>(Id);

    public async Task<IActionResult> OnGetAsync(string id, string? notice)
    {
        Id = id;
        if (await Grain.GetAsync() is not { } assignment)
        {
            return NotFound();
        }

        Form = AssignmentForm.From(assignment);
        ScenarioCount = assignment.Scenarios.Count;
        Notice = notice;
        return Page();
    }

    public async Task<IActionResult> OnPostSettingsAsync(string id)
    {
        Id = id;
        if (await Grain.GetAsync() is not { } current)
        {
            return NotFound();
        }

        // One grain call: the settings change is validated and stored there, and the suite is not touched.
        var (patch, errors) = Form.ToPatch();
        var update = errors.Count > 0 ? null : await Grain.ChangeSettingsAsync(patch, User.Username());
        if (update is not { Stored: true })
        {
            SettingsErrors = update?.Errors ?? errors;
            ScenarioCount = current.Scenarios.Count;
            return Page();
        }

        return Redirect($"/staff/assignments/{id}?notice=Settings+saved.");
    }

    public async Task<IActionResult> OnPostDryRunAsync(string id, [FromForm] string? referenceImage)
    {
        Id = id;
        if (await Grain.GetAsync() is not { } current)
        {
            return NotFound();
        }

        // A malformed reference is the door's to refuse, like every other rule.
        var result = await Grader.Web.Tasks.SubmissionDoor.SubmitAsync(grains, User, id, referenceImage, "dry-run");
        if (result.Task is not { } task)
        {
            Form = AssignmentForm.From(current);
            ScenarioCount = current.Scenarios.Count;
            (ReferenceImage, DryRunError) = (referenceImage, result.Message);
            return Page();
        }

        return Redirect($"/tasks/{task.Id}");
    }
}
