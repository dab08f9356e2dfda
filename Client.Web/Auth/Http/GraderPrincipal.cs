using System.Security.Claims;
using Grader.Web.Auth.Accounts;

namespace Grader.Web.Auth.Http;

/// <summary>Builds the signed-in user's principal and reads it back. Identities carry the scheme that
/// made them, so the antiforgery check can tell a browser session from a script's token.</summary>
public static class GraderPrincipal
{
    public const string SessionClaim = "grader:session";
    public const string TokenClaim = "grader:token";

    public static ClaimsPrincipal ForSession(UserAccount user, Guid sessionId) =>
        Create(user, AuthSchemes.Cookie, new Claim(SessionClaim, sessionId.ToString()));

    public static ClaimsPrincipal ForToken(UserAccount user, Guid tokenId) =>
        Create(user, AuthSchemes.ApiToken, new Claim(TokenClaim, tokenId.ToString()));

    public static string Username(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The request is not signed in.");

    public static UserRole Role(this ClaimsPrincipal principal) =>
        UserRoles.TryParse(principal.FindFirstValue(ClaimTypes.Role), out var role) ? role : UserRole.Student;

    public static bool IsStaff(this ClaimsPrincipal principal) => principal.Identity?.IsAuthenticated == true && principal.Role() >= UserRole.Staff;

    public static bool IsAdmin(this ClaimsPrincipal principal) => principal.Identity?.IsAuthenticated == true && principal.Role() >= UserRole.Admin;

    public static bool UsesSessionCookie(this ClaimsPrincipal principal) =>
        principal.Identity is { IsAuthenticated: true, AuthenticationType: AuthSchemes.Cookie };

    public static Guid? SessionId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(SessionClaim), out var id) ? id : null;

    private static ClaimsPrincipal Create(UserAccount user, string scheme, Claim handle)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Username),
            new(ClaimTypes.Name, user.Username),
            new(ClaimTypes.Role, user.Role.Name()),
            handle,
        };
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }
}
