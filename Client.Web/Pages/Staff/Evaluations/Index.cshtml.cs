using Grader.Web.Auth.Http;
using Grader.Web.Browse;
using Grader.Web.Evaluations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Grader.Web.Pages.Staff.Evaluations;

/// <summary>Starts an evaluation from an uploaded class list. Which lines run is the parser's rule
/// (EvaluationCsv); the page only shows the errors when no line could run.</summary>
[Authorize(Policy = AuthSchemes.StaffPolicy)]
public sealed class EvaluationsIndexModel(ReadModelQueries queries, IGrainFactory grains) : PageModel
{
    /// <summary>A class list is a few hundred lines; anything far bigger is a wrong file.</summary>
    private const long MaxBytes = 1024 * 1024;

    public IReadOnlyList<AssignmentRow> Assignments { get; private set; } = [];

    public string? AssignmentId { get; private set; }

    public IReadOnlyList<string> Errors { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Assignments = await queries.AssignmentsAsync(ct);

    public async Task<IActionResult> OnPostAsync([FromForm] string? assignmentId, IFormFile? classListFile, CancellationToken ct)
    {
        AssignmentId = assignmentId;
        if (string.IsNullOrWhiteSpace(assignmentId) || classListFile is null || classListFile.Length == 0 || classListFile.Length > MaxBytes)
        {
            Errors = [string.IsNullOrWhiteSpace(assignmentId) ? "Choose an assignment." : $"Choose a CSV file of at most {MaxBytes / 1024} KiB."];
        }
        else
        {
            using var reader = new StreamReader(classListFile.OpenReadStream());
            var started = await EvaluationsApi.StartAsync(assignmentId, await reader.ReadToEndAsync(ct), User.Username(), grains);
            if (started.Id is { } id)
            {
                return Redirect($"/staff/evaluations/{id}");
            }

            Errors = started.Errors;
        }

        Assignments = await queries.AssignmentsAsync(ct);
        return Page();
    }
}
