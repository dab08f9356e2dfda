using Microsoft.Extensions.Options;

namespace Grader.Web.Auth.SignIn;

/// <summary>Temporary lockout after repeated failures, counted per username and per client address
/// (see <see cref="LockoutPolicy"/>). Usernames are counted whether or not they exist, so a lockout
/// reveals nothing about which accounts do.</summary>
public sealed class SignInThrottle(ThrottleStore store, IOptions<AuthOptions> options, TimeProvider clock)
{
    private readonly LockoutPolicy _accounts = new(options.Value.MaxFailuresPerAccount, options.Value.FailureWindow, options.Value.LockoutDuration);
    private readonly LockoutPolicy _addresses = new(options.Value.MaxFailuresPerAddress, options.Value.FailureWindow, options.Value.LockoutDuration);

    /// <summary>The username itself when it is printable and short; otherwise its hash, since the key
    /// must be valid text for PostgreSQL (no NUL) and should not grow with whatever was typed.</summary>
    public static string AccountKey(string username)
    {
        var name = username.Trim().ToLowerInvariant();
        return name.Length <= SignInService.MaxUsernameLength && !name.Any(char.IsControl) && !name.Any(char.IsSurrogate)
            ? "account:" + name
            : "account#" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)));
    }

    public static string AddressKey(string clientAddress) => "address:" + clientAddress;

    /// <returns>How long until this username may try again from this address, or null when it may now.</returns>
    public async Task<TimeSpan?> LockedForAsync(string username, string clientAddress, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var account = LockoutPolicy.RemainingLock(await store.GetAsync(AccountKey(username), ct), now);
        var address = LockoutPolicy.RemainingLock(await store.GetAsync(AddressKey(clientAddress), ct), now);
        return new[] { account, address }.Max();
    }

    public async Task RecordFailureAsync(string username, string clientAddress, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (username.Length > 0)
        {
            await store.RecordFailureAsync(AccountKey(username), _accounts, now, ct);
        }

        await store.RecordFailureAsync(AddressKey(clientAddress), _addresses, now, ct);
        await store.ForgetOldAsync(now, now - options.Value.FailureWindow, ct);
    }

    /// <summary>A correct password clears the account's count; the address keeps its count, so an
    /// attacker cannot reset it by signing in to an account of their own between guesses.</summary>
    public Task RecordSuccessAsync(string username, CancellationToken ct) => store.ClearAsync(AccountKey(username), ct);
}
