using System.Security.Cryptography;
using System.Text;
using Grader.Assignments;
using Grader.Web.Auth.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Grader.Web.Pages.Staff.Assignments;

/// <summary>What a valid suite would change, shown before it is stored. The text travels back as base64 so
/// that Save stores exactly the bytes that were reviewed (a form would turn its line breaks into CRLF).</summary>
public sealed record SuiteReview(IReadOnlyList<LineDiffRow> Rows, int Added, int Removed, int Scenarios, decimal Points,
    string TextBase64, string FileName, string StoredHash);

/// <summary>The suite editor: edit or upload a suite, see every error first (each a link to its line and
/// column), review the diff against the stored suite, then save it or go back. Works without JavaScript;
/// with it, suite-editor.js adds line numbers and moves the caret to an error.</summary>
[Authorize(Policy = AuthSchemes.StaffPolicy)]
[RequestFormLimits(ValueLengthLimit = SuiteLimits.MaxBytes * 2)]
public sealed class SuiteEditorModel(IGrainFactory grains) : PageModel
{
    public string Id { get; private set; } = "";

    public string Title { get; private set; } = "";

    public string? SuiteText { get; private set; }

    public string? Notice { get; private set; }

    public IReadOnlyList<SuiteErrorLink> Errors { get; private set; } = [];

    public SuiteReview? Review { get; private set; }

    private IAssignmentGrain Grain => grains.GetGrain<IAssignmentGrain>(Id);

    public async Task<IActionResult> OnGetAsync(string id)
    {
        if (await LoadAsync(id) is not { } found)
        {
            return NotFound();
        }

        SuiteText = found.Stored;
        return Page();
    }

    /// <summary>Checks the suite (nothing is stored) and shows its errors, or the diff to review.</summary>
    public async Task<IActionResult> OnPostReviewAsync(string id, IFormFile? suiteFile, [FromForm] string? suiteText)
    {
        if (await LoadAsync(id) is not { } found)
        {
            return NotFound();
        }

        if (suiteFile is { Length: > SuiteLimits.MaxBytes })
        {
            return Refuse(suiteText, $"{Path.GetFileName(suiteFile.FileName)}: {SuiteLimits.TooLarge}; nothing was stored.");
        }

        // A file is taken byte for byte; the text box's line breaks are the browser's CRLF, and were LF when typed.
        var (text, fileName) = suiteFile is { Length: > 0 }
            ? (await ReadAsync(suiteFile), FileName(suiteFile.FileName))
            : (suiteText?.Replace("\r\n", "\n", StringComparison.Ordinal), $"{id}.yaml");
        return await ReviewAsync(found.Stored, text, fileName);
    }

    public async Task<IActionResult> OnPostSaveAsync(string id, [FromForm] string? textBase64, [FromForm] string? fileName, [FromForm] string? storedHash)
    {
        if (await LoadAsync(id) is not { } found)
        {
            return NotFound();
        }

        if (Decode(textBase64) is not { } text)
        {
            return Refuse(null, "The reviewed suite did not come back whole; nothing was stored.");
        }

        fileName = FileName(fileName);
        if (Hash(found.Stored) != storedHash)
        {
            Notice = "Someone stored another suite since your review; here is the diff against it. Nothing was stored.";
            return await ReviewAsync(found.Stored, text, fileName);
        }

        var update = await Grain.SetSuiteAsync(text, fileName, User.Username());
        if (!update.Stored)
        {
            SuiteText = text;
            Errors = update.Errors.Select(SuiteErrorLink.Parse).ToList();
            return Page();
        }

        var notice = $"Suite stored: {update.Scenarios} scenarios, {update.Points:0.##} points.";
        return Redirect($"/staff/assignments/{Uri.EscapeDataString(id)}?notice={Uri.EscapeDataString(notice)}");
    }

    /// <summary>Back to the editor with the reviewed text; nothing is stored.</summary>
    public async Task<IActionResult> OnPostBackAsync(string id, [FromForm] string? textBase64)
    {
        if (await LoadAsync(id) is not { } found)
        {
            return NotFound();
        }

        SuiteText = Decode(textBase64) ?? found.Stored;
        return Page();
    }

    private async Task<IActionResult> ReviewAsync(string? stored, string? text, string fileName)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Refuse(text, "The suite is empty: upload a file or paste its text.");
        }

        if (Encoding.UTF8.GetByteCount(text) > SuiteLimits.MaxBytes)
        {
            return Refuse(null, $"{fileName}: {SuiteLimits.TooLarge}; nothing was stored.");
        }

        var check = await Grain.ValidateSuiteAsync(text, fileName);
        if (check.Errors.Count > 0)
        {
            SuiteText = text;
            Errors = check.Errors.Select(SuiteErrorLink.Parse).ToList();
            return Page();
        }

        var entries = LineDiff.Compare(stored, text);
        Review = new SuiteReview(LineDiff.Fold(entries), entries.Count(e => e.Change == LineChange.Added),
            entries.Count(e => e.Change == LineChange.Removed), check.Scenarios, check.Points,
            Convert.ToBase64String(Encoding.UTF8.GetBytes(text)), fileName, Hash(stored));
        return Page();
    }

    private PageResult Refuse(string? text, string error)
    {
        SuiteText = text;
        Errors = [SuiteErrorLink.Parse(error)];
        return Page();
    }

    private async Task<(AssignmentDefinition Assignment, string? Stored)?> LoadAsync(string id)
    {
        Id = id;
        if (await Grain.GetAsync() is not { } assignment)
        {
            return null;
        }

        Title = assignment.Title;
        return (assignment, await Grain.GetSuiteAsync());
    }

    private string FileName(string? name) =>
        Path.GetFileName(name ?? "") is { Length: > 0 and <= 200 } plain ? plain : $"{Id}.yaml";

    private static string Hash(string? text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text ?? "")));

    private static string? Decode(string? base64)
    {
        try
        {
            var bytes = base64 is null ? null : Convert.FromBase64String(base64);
            return bytes is null || bytes.Length > SuiteLimits.MaxBytes ? null : new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (FormatException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static async Task<string?> ReadAsync(IFormFile file)
    {
        using var reader = new StreamReader(file.OpenReadStream());
        return await reader.ReadToEndAsync();
    }
}
