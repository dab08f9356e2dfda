using Grader.Assignments;
using Grader.Sandbox;
using Grader.Tasks;
using Grader.Web.Auth.Http;
using Grader.Web.Browse;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Grader.Web.Pages;

/// <summary>The submit form: an assignment and an image, prefilled with what the student used last.</summary>
public sealed class IndexModel(ReadModelQueries queries, IGrainFactory grains, Microsoft.Extensions.Options.IOptions<ImageOptions> images) : PageModel
{
    public IReadOnlyList<AssignmentRow> Assignments { get; private set; } = [];

    public string? AssignmentId { get; private set; }

    public string? Image { get; private set; }

    public string? ImageError { get; private set; }

    /// <summary>The chosen assignment, for what the grader gives the app (port, variables, database).</summary>
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
        if (AssignmentId is null || AssignmentId != assignmentId || await grains.GetGrain<IAssignmentGrain>(AssignmentId).GetAsync() is null)
        {
            ImageError = "Choose an assignment first.";
            return Page();
        }

        var error = ImageReference.TryParse(image, out var reference, out var parseError) ? images.Value.RefusalFor(reference) : parseError;
        if (reference is null || error is not null)
        {
            ImageError = error;
            return Page();
        }

        var id = Guid.NewGuid();
        await grains.GetGrain<ITaskGrain>(id).SubmitAsync(new TaskSpec(User.Username(), AssignmentId, reference.ToString(), IncludePrivate: User.IsStaff(), Source: "form"));
        return Redirect($"/tasks/{id}");
    }

    private async Task LoadAsync(string? assignment, CancellationToken ct)
    {
        Assignments = await queries.AssignmentsAsync(ct);
        var preferred = assignment ?? await queries.LastAssignmentAsync(User.Username(), ct);
        AssignmentId = Assignments.FirstOrDefault(a => a.Id == preferred)?.Id ?? Assignments.FirstOrDefault()?.Id;
        Chosen = AssignmentId is null ? null : await grains.GetGrain<IAssignmentGrain>(AssignmentId).GetAsync();
    }
}
