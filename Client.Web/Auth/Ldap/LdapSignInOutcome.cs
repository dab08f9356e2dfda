using Grader.Web.Auth.Accounts;

namespace Grader.Web.Auth.Ldap;

/// <summary>What one source said about a username and password.</summary>
public abstract record LdapSignInOutcome
{
    /// <summary>The bind succeeded and the person's entry was read.</summary>
    public sealed record Accepted(DirectoryProfile Profile) : LdapSignInOutcome;

    /// <summary>The server refused the bind: wrong password, or no such entry (it does not say which).</summary>
    public sealed record Rejected : LdapSignInOutcome;

    /// <summary>The server could not be asked: down, too slow, TLS failed.</summary>
    public sealed record Unavailable(string Reason) : LdapSignInOutcome;

    /// <summary>The bind succeeded but the source's settings do not find exactly the bound entry.</summary>
    public sealed record Misconfigured(string Reason) : LdapSignInOutcome;
}
