using Grader.Web.Auth.Accounts;

namespace Grader.Web.Auth.SignIn;

/// <summary>How a sign-in attempt ended.</summary>
public abstract record SignInResult
{
    public sealed record Succeeded(UserAccount User, string Method) : SignInResult;

    /// <summary>Wrong username or password; deliberately not saying which.</summary>
    public sealed record InvalidCredentials : SignInResult;

    public sealed record LockedOut(TimeSpan RetryAfter) : SignInResult;

    /// <summary>The directory could not be asked, so the password was not judged.</summary>
    public sealed record DirectoryUnavailable : SignInResult;

    /// <summary>The password was right, but an admin disabled the account.</summary>
    public sealed record AccountDisabled : SignInResult;
}
