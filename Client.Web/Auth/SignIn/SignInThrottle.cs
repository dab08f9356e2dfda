using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Grader.Web.Auth.SignIn;

/// <summary>One sign-in attempt as the throttle counted it.</summary>
/// <param name="RetryAfter">Set when the attempt was refused: how long the lock lasts.</param>
public sealed record ThrottledAttempt(string AccountKey, string AddressKey, ThrottleState? Account, ThrottleState Address, TimeSpan? RetryAfter);

/// <summary>Temporary lockout after repeated failures, counted per username and per client address
/// (see <see cref="LockoutPolicy"/>). Usernames are counted whether or not they exist, so a lockout
/// reveals nothing about which accounts do. An account's lock slows guessers, not its owner: from an
/// address the account signed in from before, the password is still checked.</summary>
public sealed class SignInThrottle(ThrottleStore store, IOptions<AuthOptions> options, TimeProvider clock)
{
    private readonly LockoutPolicy _accounts = new(options.Value.MaxFailuresPerAccount, options.Value.FailureWindow, options.Value.LockoutDuration, options.Value.LockoutMaxDuration);
    private readonly LockoutPolicy _addresses = new(options.Value.MaxFailuresPerAddress, options.Value.FailureWindow, options.Value.LockoutDuration);

    /// <summary>The username itself when it is printable and short; otherwise its hash, since the key
    /// must be valid text for PostgreSQL (no NUL) and should not grow with whatever was typed.</summary>
    public static string AccountKey(string username)
    {
        var name = username.Trim().ToLowerInvariant();
        return name.Length <= SignInService.MaxUsernameLength && !name.Any(char.IsControl) && !name.Any(char.IsSurrogate)
            ? "account:" + name
            : "account#" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
    }

    public static string AddressKey(string clientAddress) => "address:" + clientAddress;

    public static string KnownAddressKey(string accountKey, string clientAddress) => $"known:{accountKey}@{clientAddress}";

    /// <summary>Where an account's recent locks are counted, for its growing back-off.</summary>
    public static string StrikesKey(string accountKey) => $"strikes:{accountKey}";

    /// <summary>Counts the attempt as a failure up front, unless the address or the username is locked.</summary>
    public async Task<ThrottledAttempt> BeginAsync(string username, string clientAddress, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var accountKey = AccountKey(username);
        var addressKey = AddressKey(clientAddress);
        var address = await store.UpdateAsync(addressKey, s => Begin(_addresses, s, now), ct);
        if (address.RetryAfter is { } addressWait)
        {
            return new ThrottledAttempt(accountKey, addressKey, null, address.State, addressWait);
        }

        // An empty username is counted against the address only.
        ThrottleState? account = null;
        if (username.Trim().Length > 0)
        {
            var strikes = LockoutPolicy.Strikes(await store.FindAsync(StrikesKey(accountKey), ct), now);
            var (accountWait, accountState) = await store.UpdateAsync(accountKey, s => Begin(_accounts, s, now, strikes), ct);
            if (accountWait is null && accountState.LockedUntil is { } lockedUntil)
            {
                // This very attempt set the lock: the next one will last twice as long.
                await store.UpdateAsync(StrikesKey(accountKey), _ => (true, _accounts.Strike(strikes, lockedUntil, now)), ct);
            }

            if (accountWait is not null && await IsKnownAsync(accountKey, clientAddress, now, ct))
            {
                // The owner, from where they signed in before: the address limit still counts the attempt.
                return new ThrottledAttempt(accountKey, addressKey, null, address.State, null);
            }

            if (accountWait is not null)
            {
                await store.UpdateAsync(addressKey, s => (true, _addresses.Forgive(s, address.State)), ct);
                return new ThrottledAttempt(accountKey, addressKey, null, address.State, accountWait);
            }

            account = accountState;
        }

        await store.ForgetOldAsync(now, now - options.Value.FailureWindow, ct);
        return new ThrottledAttempt(accountKey, addressKey, account, address.State, null);
    }

    /// <summary>The password was right: the username starts afresh and the address gets its attempt
    /// back. The address is not cleared, so an attacker cannot reset its count by signing in to an
    /// account of their own between guesses.</summary>
    public async Task SucceededAsync(ThrottledAttempt attempt, CancellationToken ct)
    {
        await store.ClearAsync(attempt.AccountKey, ct);
        await store.ClearAsync(StrikesKey(attempt.AccountKey), ct);
        await store.UpdateAsync(attempt.AddressKey, s => (true, _addresses.Forgive(s, attempt.Address)), ct);
        if (options.Value.KnownAddressMemory > TimeSpan.Zero)
        {
            var now = clock.GetUtcNow();
            await store.UpdateAsync(KnownAddressKey(attempt.AccountKey, attempt.AddressKey), _ => (true, LockoutPolicy.Remembered(now, options.Value.KnownAddressMemory)), ct);
        }
    }

    private async Task<bool> IsKnownAsync(string accountKey, string clientAddress, DateTimeOffset now, CancellationToken ct) =>
        LockoutPolicy.PassesLock(await store.FindAsync(KnownAddressKey(accountKey, AddressKey(clientAddress)), ct), now);

    /// <summary>The password could not be checked (the directory is down): the attempt does not count.</summary>
    public async Task NotJudgedAsync(ThrottledAttempt attempt, CancellationToken ct)
    {
        if (attempt.Account is { } account)
        {
            await store.UpdateAsync(attempt.AccountKey, s => (true, _accounts.Forgive(s, account)), ct);
        }

        await store.UpdateAsync(attempt.AddressKey, s => (true, _addresses.Forgive(s, attempt.Address)), ct);
    }

    private static ((TimeSpan? RetryAfter, ThrottleState State) Result, ThrottleState Next) Begin(LockoutPolicy policy, ThrottleState state, DateTimeOffset now, int strikes = 0)
    {
        var (allowed, next) = policy.Begin(state, now, strikes);
        return ((allowed ? null : LockoutPolicy.RemainingLock(state, now), next), next);
    }
}
