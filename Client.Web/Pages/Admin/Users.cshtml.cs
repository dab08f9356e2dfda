using Grader.Web.Auth;
using Grader.Web.Auth.Accounts;
using Grader.Web.Auth.Ldap;
using Grader.Web.Queries;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Grader.Web.Pages.Admin;

/// <summary>Users with their roles and sources. Every change goes through the /api/admin/users
/// handlers, so the page and the API check and audit the same way.</summary>
public sealed class UsersModel(UserStore users, AuthSourceStore sources, LocalPasswords passwords, AuditLog audit) : PageModel
{
    public IReadOnlyList<UserAccount> Users { get; private set; } = [];

    public IReadOnlyDictionary<int, string> SourceNames { get; private set; } = new Dictionary<int, string>();

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    /// <param name="role">Empty removes the override.</param>
    public async Task<IActionResult> OnPostRoleAsync(string username, string? role, CancellationToken ct)
    {
        var result = await UsersApi.SetRoleOverrideAsync(username, new RoleOverrideRequest(string.IsNullOrEmpty(role) ? null : role), HttpContext, users, audit, ct);
        Report(result.Result, $"Role override for {username} {(string.IsNullOrEmpty(role) ? "removed" : $"set to {role}")}.");
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostActiveAsync(string username, bool isActive, CancellationToken ct)
    {
        var result = await UsersApi.SetActiveAsync(username, new ActiveRequest(isActive), HttpContext, users, audit, ct);
        Report(result.Result, $"{username} {(isActive ? "enabled" : "disabled")}.");
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync(string? username, string? password, string? role, string? email, CancellationToken ct)
    {
        var result = await UsersApi.CreateLocalAsync(
            new CreateLocalUserRequest(username, password, role, string.IsNullOrWhiteSpace(email) ? null : email.Trim()), HttpContext, users, passwords, audit, ct);
        Report(result.Result, $"Local account {username} created.");
        await LoadAsync(ct);
        return Page();
    }

    private void Report(IResult result, string success)
    {
        switch (result)
        {
            case ValidationProblem problem:
                Error = string.Join(" ", problem.ProblemDetails.Errors.Select(e => $"{e.Key} {string.Join(", ", e.Value)}."));
                break;
            case ProblemHttpResult problem:
                Error = problem.ProblemDetails.Detail;
                break;
            case Microsoft.AspNetCore.Http.HttpResults.NotFound:
                Error = "No such user.";
                break;
            default:
                Message = success;
                break;
        }

        if (Error is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Users = await users.ListAsync(ct);
        SourceNames = (await sources.ListAsync(ct)).ToDictionary(s => s.Id, s => s.Name);
    }

    public static IReadOnlyList<string> RoleNames { get; } = [UserRole.Student.Name(), UserRole.Staff.Name(), UserRole.Admin.Name()];
}
