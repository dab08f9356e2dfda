using Grader.Assignments;
using Grader.Sandbox;
using Grader.Tasks;
using Grader.Web.Auth.Http;
using Grader.Web.Browse;
using Grader.Web.Tasks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Grader.Web.Pages;

/// <summary>The submit form: an assignment and an image, prefilled with what the student used last.</summary>
public sealed class IndexModel(ReadModelQueries queries, IGrainFactory grains) : PageModel
{
    public IReadOnlyList<AssignmentRow> Assignments { get; private set; } = [];

    public string? AssignmentId { get; private set; }

    public string? Image { get; private set; }

    public string? ImageError { get; private set; }

    /// <summary>The chosen assignment, so the page can say how the grader runs the app.</summary>
    public AssignmentDefinition? Chosen { get; private set; }

    public async Task OnGetAsync(string? assignment, CancellationToken ct)
    {
        await LoadAsync(assignment, ct);
        Image = AssignmentId is null ? null : await queries.LastImageAsync(User.Username(), AssignmentId, ct);
    }

    public async Task<IActionResult> OnPostAsync([FromForm] string? assignmentId, [FromForm] string? image, CancellationToken ct)
    {
        await LoadAsync(assignmentId, ct);
        Image = image;
        if (AssignmentId is null || AssignmentId != assignmentId)
        {
            ImageError = "Choose an assignment first.";
            return Page();
        }

        var result = await SubmissionDoor.SubmitAsync(grains, User, AssignmentId, image, "form");
        if (result.Task is not { } task)
        {
            ImageError = result.Message;
            return Page();
        }

        return Redirect($"/tasks/{task.Id}");
    }

    private async Task LoadAsync(string? assignment, CancellationToken ct)
    {
        // Archived assignments are gone for students; staff still reach them.
        Assignments = (await queries.AssignmentsAsync(ct)).Where(a => !a.Archived || User.IsStaff()).ToList();
        var preferred = assignment ?? await queries.LastAssignmentAsync(User.Username(), ct);
        AssignmentId = Assignments.FirstOrDefault(a => a.Id == preferred)?.Id ?? Assignments.FirstOrDefault()?.Id;
        Chosen = AssignmentId is null ? null : await grains.GetGrain<IAssignmentGrain>(AssignmentId).GetAsync();
    }
}
