using Grader.Web.Auth;
using Grader.Web.Auth.Accounts;
using Grader.Web.Auth.Ldap;
using Grader.Web.Browse;
using Grader.Web.Queries;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Grader.Web.Pages.Admin;

/// <summary>Users with their roles and sources. Every change goes through the /api/admin/users
/// handlers, so the page and the API check and audit the same way. The list is newest first, a page at a time.</summary>
public sealed class UsersModel(UserStore users, AuthSourceStore sources, LocalPasswords passwords, AuditLog audit) : PageModel
{
    public IReadOnlyList<UserAccount> Users { get; private set; } = [];

    public Pager Pager { get; private set; } = new(0, 0, "users", null, null);

    /// <summary>The filter from the query string: part of a name, and an effective role.</summary>
    public string? Contains { get; private set; }

    public string? Role { get; private set; }

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
        Contains = string.IsNullOrWhiteSpace(Request.Query["q"]) ? null : Request.Query["q"].ToString().Trim();
        Role = RoleNames.FirstOrDefault(r => r == Request.Query["role"]);
        var page = await users.PageAsync(Contains, Role is null ? null : UserRoles.Parse(Role),
            PageRequest.Of(Request.Query["after"], Request.Query["before"], textKey: true), ct);
        Users = page.Rows;
        Pager = Pager.For(page, Request, "users");
        SourceNames = (await sources.ListAsync(ct)).ToDictionary(s => s.Id, s => s.Name);
    }

    public static IReadOnlyList<string> RoleNames { get; } = [UserRole.Student.Name(), UserRole.Staff.Name(), UserRole.Admin.Name()];
}
