using System.Text;
using Grader.Evaluations;
using Grader.Web.Auth.Http;
using Grader.Web.Queries;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Grader.Web.Pages.Staff.Queries;

/// <summary>One saved query: its inputs (from the query string, so a run can be linked), its rows as a
/// sortable table, and the same rows as CSV.</summary>
public sealed class QueryRunModel(SavedQueryCatalog catalog, QueryRunner runner) : PageModel
{
    public SavedQuery Query { get; private set; } = null!;

    public Dictionary<string, string?> Inputs { get; } = new(StringComparer.Ordinal);

    public List<string> Errors { get; } = [];

    public QueryResult? Result { get; private set; }

    public async Task<IActionResult> OnGetAsync(string name, CancellationToken ct)
    {
        if (!await RunAsync(name, ct))
        {
            return NotFound();
        }

        return Page();
    }

    public async Task<IActionResult> OnGetCsvAsync(string name, CancellationToken ct)
    {
        if (!await RunAsync(name, ct))
        {
            return NotFound();
        }

        if (Result is not { Error: null } rows)
        {
            return BadRequest(string.Join(" ", Errors.Append(Result?.Error ?? "")).Trim());
        }

        var csv = new StringBuilder();
        csv.AppendLine(EvaluationCsv.Line(rows.Columns));
        foreach (var row in rows.Rows)
        {
            csv.AppendLine(EvaluationCsv.Line(row));
        }

        return File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv", $"{Query.Name}.csv");
    }

    private async Task<bool> RunAsync(string name, CancellationToken ct)
    {
        if (catalog.Find(name) is not { } query)
        {
            return false;
        }

        Query = query;
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var parameter in query.Parameters)
        {
            var input = Request.Query[parameter.Name].FirstOrDefault();
            Inputs[parameter.Name] = input;
            var (value, error) = parameter.Bind(input);
            if (error is null)
            {
                arguments[parameter.Name] = value;
            }
            else
            {
                Errors.Add(error);
            }
        }

        if (Errors.Count == 0)
        {
            Result = await runner.RunSavedAsync(query, arguments, User.Username(), ct);
        }

        return true;
    }
}
