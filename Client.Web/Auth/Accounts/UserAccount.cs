namespace Grader.Web.Auth.Accounts;

/// <summary>A person who can sign in: a local account, or someone from a directory, whose profile and
/// source role are refreshed at each sign-in.</summary>
/// <param name="Username">Lower case; what tasks record as their user.</param>
/// <param name="SourceRole">From the directory's groups at the last sign-in, or set for a local account.</param>
/// <param name="RoleOverride">Set by an admin; wins over the source role.</param>
public sealed record UserAccount(
    string Username,
    bool IsLocal,
    int? SourceId,
    string? Email,
    string? FirstName,
    string? LastName,
    UserRole SourceRole,
    UserRole? RoleOverride,
    bool IsActive,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastSignInAt)
{
    public UserRole Role => RoleOverride ?? SourceRole;
}

/// <summary>What a directory says about a person who just signed in.</summary>
public sealed record DirectoryProfile(string Username, string? Email, string? FirstName, string? LastName, UserRole Role);
