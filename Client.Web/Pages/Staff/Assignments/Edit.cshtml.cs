using Grader.Assignments;
using Grader.Tasks;
using Grader.Web.Auth.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Grader.Web.Pages.Staff.Assignments;

/// <summary>One assignment for staff: its settings, its suite (validated whole, errors shown inline with
/// their line numbers), and a dry run of a reference solution.</summary>
[Authorize(Policy = AuthSchemes.StaffPolicy)]
public sealed class EditAssignmentModel(IGrainFactory grains) : PageModel
{
    public string Id { get; private set; } = "";

    [BindProperty]
    public AssignmentForm Form { get; set; } = new();

    public string? SuiteText { get; private set; }

    public string? ReferenceImage { get; private set; }

    public string? Notice { get; private set; }

    public string? DryRunError { get; private set; }

    public IReadOnlyList<string> SettingsErrors { get; private set; } = [];

    public IReadOnlyList<string> SuiteErrors { get; private set; } = [];

    private IAssignmentGrain Grain => grains.GetGrain<IAssignmentGrain>(Id);

    public async Task<IActionResult> OnGetAsync(string id, string? notice)
    {
        Id = id;
        if (await Grain.GetAsync() is not { } assignment)
        {
            return NotFound();
        }

        Form = AssignmentForm.From(assignment);
        SuiteText = await Grain.GetSuiteAsync();
        Notice = notice;
        return Page();
    }

    public async Task<IActionResult> OnPostSettingsAsync(string id)
    {
        Id = id;
        if (await Grain.GetAsync() is null)
        {
            return NotFound();
        }

        // One grain call: the settings change is validated and stored there, and the suite is not touched.
        var (patch, errors) = Form.ToPatch();
        var update = errors.Count > 0 ? null : await Grain.ChangeSettingsAsync(patch, User.Username());
        if (update is not { Stored: true })
        {
            SettingsErrors = update?.Errors ?? errors;
            SuiteText = await Grain.GetSuiteAsync();
            return Page();
        }

        return Redirect($"/staff/assignments/{id}?notice=Settings+saved.");
    }

    public async Task<IActionResult> OnPostSuiteAsync(string id, IFormFile? suiteFile, [FromForm] string? suiteText)
    {
        Id = id;
        if (await Grain.GetAsync() is not { } current)
        {
            return NotFound();
        }

        Form = AssignmentForm.From(current);
        var (text, fileName) = suiteFile is { Length: > 0 }
            ? (await ReadAsync(suiteFile), Path.GetFileName(suiteFile.FileName))
            : (suiteText, $"{id}.yaml");
        SuiteText = text;
        if (suiteFile is { Length: > SuiteLimits.MaxBytes })
        {
            SuiteErrors = [$"{fileName}: {SuiteLimits.TooLarge}; nothing was stored."];
            return Page();
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            SuiteErrors = ["The suite is empty: upload a file or paste its text."];
            return Page();
        }

        var update = await Grain.SetSuiteAsync(text, fileName, User.Username());
        if (!update.Stored)
        {
            SuiteErrors = update.Errors;
            return Page();
        }

        return Redirect($"/staff/assignments/{id}?notice={Uri.EscapeDataString($"Suite stored: {update.Scenarios} scenarios, {update.Points:0.##} points.")}");
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
            SuiteText = await Grain.GetSuiteAsync();
            (ReferenceImage, DryRunError) = (referenceImage, result.Message);
            return Page();
        }

        return Redirect($"/tasks/{task.Id}");
    }

    private static async Task<string?> ReadAsync(IFormFile file)
    {
        if (file.Length > SuiteLimits.MaxBytes)
        {
            return null;
        }

        using var reader = new StreamReader(file.OpenReadStream());
        return await reader.ReadToEndAsync();
    }
}
