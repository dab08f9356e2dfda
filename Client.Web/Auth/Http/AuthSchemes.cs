namespace Grader.Web.Auth.Http;

/// <summary>Authentication scheme and policy names.</summary>
public static class AuthSchemes
{
    /// <summary>Chooses per request: a Bearer token if one is sent, else the session cookie.</summary>
    public const string Default = "Grader";

    public const string Cookie = "GraderSession";

    public const string ApiToken = "GraderApiToken";

    /// <summary>Staff and admins.</summary>
    public const string StaffPolicy = "staff";

    public const string AdminPolicy = "admin";
}
