namespace Grader.Web.Auth;

/// <summary>What a user may do. Each role includes the ones before it.</summary>
public enum UserRole
{
    /// <summary>Submits, and sees only their own tasks, without private scenario content.</summary>
    Student,
    /// <summary>Sees all tasks and scenarios, manages assignments, may use API tokens.</summary>
    Staff,
    /// <summary>Also manages auth sources, users and role overrides.</summary>
    Admin,
}

/// <summary>Roles as they appear in JSON, in the database and in claims: lower-case words.</summary>
public static class UserRoles
{
    public const string Student = "student";
    public const string Staff = "staff";
    public const string Admin = "admin";

    public static readonly string Allowed = $"{Student}, {Staff} or {Admin}";

    public static string Name(this UserRole role) => role switch
    {
        UserRole.Student => Student,
        UserRole.Staff => Staff,
        UserRole.Admin => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    public static bool TryParse(string? text, out UserRole role)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case Student:
                role = UserRole.Student;
                return true;
            case Staff:
                role = UserRole.Staff;
                return true;
            case Admin:
                role = UserRole.Admin;
                return true;
            default:
                role = default;
                return false;
        }
    }

    public static UserRole Parse(string text) =>
        TryParse(text, out var role) ? role : throw new FormatException($"'{text}' is not a role; expected {Allowed}");
}
