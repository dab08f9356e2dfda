using Grader.Assignments;
using Grader.Web.Auth.Http;
using Grader.Web.Browse;
using Grader.Web.Students;
using Grader.Web.Tasks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Grader.Web.Pages.Assignments;

/// <summary>An assignment as a student sees it: what to build, when, for how many points, how they
/// did so far, and the form to submit. Archived assignments are not found for students.</summary>
public sealed class AssignmentPageModel(IGrainFactory grains, StudentScores scores, ReadModelQueries queries) : PageModel
{
    public AssignmentDefinition Assignment { get; private set; } = null!;

    public string DescriptionHtml { get; private set; } = "";

    public StudentScore? Best { get; private set; }

    public StudentScore? Latest { get; private set; }

    public string? Image { get; private set; }

    public string? ImageError { get; private set; }

    public decimal PublicPoints => Assignment.ScenariosFor(includePrivate: false).Sum(s => s.Points);

    public IReadOnlyList<Scenario> Hidden => Assignment.Scenarios.Where(s => !s.IsPublic).ToList();

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        Image = await queries.LastImageAsync(User.Username(), id, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, [FromForm] string? image, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        Image = image;
        var result = await SubmissionDoor.SubmitAsync(grains, User, id, image, "form");
        if (result.Task is not { } task)
        {
            ImageError = result.Message;
            return Page();
        }

        return Redirect($"/tasks/{task.Id}");
    }

    private async Task<bool> LoadAsync(string id, CancellationToken ct)
    {
        if (await grains.GetGrain<IAssignmentGrain>(id).GetAsync() is not { } assignment || (assignment.Archived && !User.IsStaff()))
        {
            return false;
        }

        Assignment = assignment;
        DescriptionHtml = AssignmentMarkdown.ToHtml(assignment.Description);
        (Best, Latest) = await scores.BestAndLatestAsync(User.Username(), id, ct);
        return true;
    }
}
