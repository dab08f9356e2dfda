using Grader.Web.Auth;
using Grader.Web.Auth.Http;
using Grader.Web.Auth.Tokens;
using Grader.Web.Queries;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Grader.Web.Pages.Admin;

/// <summary>API tokens: staff see and revoke their own, admins everyone's. Through the
/// /api/auth/tokens handlers, so the same checks and audit rows apply.</summary>
public sealed class TokensModel(ApiTokenStore tokens, AuditLog audit, IOptions<AuthOptions> options, TimeProvider clock) : PageModel
{
    public IReadOnlyList<ApiTokenInfo> Tokens { get; private set; } = [];

    /// <summary>The secret of a token just created: shown on this response only.</summary>
    public CreatedApiToken? Created { get; private set; }

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    public bool IsAdmin => User.IsAdmin();

    public int MaxDays => Math.Max((int)options.Value.ApiTokenMaxLifetime.TotalDays, 1);

    public DateTimeOffset Now => clock.GetUtcNow();

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostCreateAsync(string? name, int? expiresInDays)
    {
        var result = await ApiTokensApi.CreateAsync(new CreateApiTokenRequest(name, expiresInDays), HttpContext, tokens, audit, options, clock);
        switch (result.Result)
        {
            case Created<CreatedApiToken> created:
                Created = created.Value;
                break;
            case ValidationProblem problem:
                Error = string.Join(" ", problem.ProblemDetails.Errors.Select(e => $"{e.Key} {string.Join(", ", e.Value)}."));
                break;
            case ProblemHttpResult problem:
                Error = problem.ProblemDetails.Detail;
                break;
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id)
    {
        var result = await ApiTokensApi.RevokeAsync(id, HttpContext, tokens, audit);
        if (result.Result is Microsoft.AspNetCore.Http.HttpResults.NotFound)
        {
            Error = "No such token of yours.";
        }
        else
        {
            Message = "Token revoked.";
        }

        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync() => Tokens = (await ApiTokensApi.ListAsync(HttpContext, tokens, all: IsAdmin)).Value ?? [];
}
