using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Grader.Web.Auth.Accounts;

/// <summary>Hashes and checks local account passwords with ASP.NET Core Identity's hasher (PBKDF2,
/// salted, with its format and iteration count versioned in the hash).</summary>
public sealed class LocalPasswords(IOptions<AuthOptions> options)
{
    private static readonly PasswordHasher<string> Hasher = new();

    // Checked when there is no local account, so that "no such user" takes as long as "wrong password".
    private static readonly string DecoyHash = Hasher.HashPassword("", Guid.NewGuid().ToString());

    public int MinimumLength => options.Value.MinimumPasswordLength;

    /// <returns>Null when the password is acceptable for a new or changed local account, else why not.</returns>
    public string? Problem(string? password) =>
        string.IsNullOrEmpty(password) ? "is required"
        : password.Length < MinimumLength ? $"must be at least {MinimumLength} characters"
        : password.Length > 1024 ? "must be at most 1024 characters"
        : null;

    public string Hash(string password) => Hasher.HashPassword("", password);

    /// <param name="hash">The stored hash, or null when there is no local account.</param>
    /// <param name="rehash">A new hash to store when the stored one uses older parameters.</param>
    public bool Verify(string? hash, string password, out string? rehash)
    {
        rehash = null;
        var result = Hasher.VerifyHashedPassword("", hash ?? DecoyHash, password);
        if (hash is null || result == PasswordVerificationResult.Failed)
        {
            return false;
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            rehash = Hash(password);
        }

        return true;
    }
}
