using Grader.Web.Auth.Http;
using Grader.Web.Auth.SignIn;
using Grader.Web.Queries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grader.Web.Auth.Accounts;

/// <param name="Role">Null removes the override, so the source's role applies again.</param>
public sealed record RoleOverrideRequest(string? Role);

public sealed record ActiveRequest(bool IsActive);

public sealed record PasswordRequest(string? Password);

public sealed record CreateLocalUserRequest(string? Username, string? Password, string? Role, string? Email = null, string? FirstName = null, string? LastName = null);

/// <summary>Admins manage users at /api/admin/users: local accounts, role overrides, disabling.</summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin/users").RequireAuthorization(AuthSchemes.AdminPolicy);
        api.MapGet("/", ListAsync);
        api.MapGet("/{username}", GetAsync);
        api.MapPost("/", CreateLocalAsync);
        api.MapPut("/{username}/role-override", SetRoleOverrideAsync);
        api.MapPut("/{username}/active", SetActiveAsync);
        api.MapPut("/{username}/password", SetPasswordAsync);
        return app;
    }

    public static async Task<Ok<List<UserAccount>>> ListAsync(UserStore users, CancellationToken ct) => TypedResults.Ok(await users.ListAsync(ct));

    public static async Task<Results<Ok<UserAccount>, NotFound>> GetAsync(string username, UserStore users, CancellationToken ct) =>
        await users.FindAsync(username, ct) is { } user ? TypedResults.Ok(user) : TypedResults.NotFound();

    public static async Task<Results<Created<UserAccount>, ValidationProblem, ProblemHttpResult>> CreateLocalAsync(
        CreateLocalUserRequest request, HttpContext context, UserStore users, LocalPasswords passwords, AuditLog audit, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var username = request.Username is null ? "" : UserStore.Normalize(request.Username);
        if (username.Length is 0 or > SignInService.MaxUsernameLength || username.Any(char.IsControl))
        {
            errors["username"] = [$"is required, at most {SignInService.MaxUsernameLength} characters, without control characters"];
        }

        if (passwords.Problem(request.Password) is { } passwordProblem)
        {
            errors["password"] = [passwordProblem];
        }

        if (!UserRoles.TryParse(request.Role, out var role))
        {
            errors["role"] = [$"must be {UserRoles.Allowed}"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (!await users.CreateLocalAsync(username, passwords.Hash(request.Password!), role, request.Email, request.FirstName, request.LastName, ct))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, detail: $"The username '{username}' is taken.");
        }

        await audit.WriteAsync(context.User.Username(), "user.create", username, $"local account, role {role.Name()}", ct);

        return TypedResults.Created($"/api/admin/users/{Uri.EscapeDataString(username)}", await users.FindAsync(username, ct));
    }

    public static async Task<Results<Ok<UserAccount>, NotFound, ValidationProblem>> SetRoleOverrideAsync(
        string username, RoleOverrideRequest request, HttpContext context, UserStore users, AuditLog audit, CancellationToken ct)
    {
        UserRole? role = null;
        if (request.Role is not null)
        {
            if (!UserRoles.TryParse(request.Role, out var parsed))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["role"] = [$"must be {UserRoles.Allowed}, or null to remove the override"] });
            }

            role = parsed;
        }

        if (IsSelf(context, username) && role is not null && role < UserRole.Admin)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["role"] = ["you cannot demote yourself; ask another admin"] });
        }

        if (!await users.SetRoleOverrideAsync(username, role, ct))
        {
            return TypedResults.NotFound();
        }

        await audit.WriteAsync(context.User.Username(), "user.role-override", UserStore.Normalize(username), role is null ? "override removed" : $"override set to {role.Value.Name()}", ct);
        return TypedResults.Ok((await users.FindAsync(username, ct))!);
    }

    /// <summary>A disabled user's sessions and tokens stop working at their next request.</summary>
    public static async Task<Results<Ok<UserAccount>, NotFound, ValidationProblem>> SetActiveAsync(
        string username, ActiveRequest request, HttpContext context, UserStore users, AuditLog audit, CancellationToken ct)
    {
        if (IsSelf(context, username) && !request.IsActive)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["isActive"] = ["you cannot disable yourself; ask another admin"] });
        }

        if (!await users.SetActiveAsync(username, request.IsActive, ct))
        {
            return TypedResults.NotFound();
        }

        await audit.WriteAsync(context.User.Username(), "user.active", UserStore.Normalize(username), request.IsActive ? "enabled" : "disabled", ct);
        return TypedResults.Ok((await users.FindAsync(username, ct))!);
    }

    public static async Task<Results<NoContent, NotFound, ValidationProblem>> SetPasswordAsync(
        string username, PasswordRequest request, HttpContext context, UserStore users, LocalPasswords passwords, AuditLog audit, CancellationToken ct)
    {
        if (passwords.Problem(request.Password) is { } problem)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["password"] = [problem] });
        }

        if (!await users.SetPasswordHashAsync(username, passwords.Hash(request.Password!), ct))
        {
            return TypedResults.NotFound();
        }

        await audit.WriteAsync(context.User.Username(), "user.password", UserStore.Normalize(username), "password set", ct);
        return TypedResults.NoContent();
    }

    private static bool IsSelf(HttpContext context, string username) => context.User.Username() == UserStore.Normalize(username);
}
