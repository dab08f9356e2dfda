using System.ComponentModel.DataAnnotations;

namespace Grader.Web.Auth;

/// <summary>Sign-in, sessions, lockout and directory timeouts. Section: <c>Auth</c>. Tests lower the
/// lockout thresholds and durations so that a lockout can be seen to start and to end.</summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    /// <summary>A signed-in session lasts this long after its last request (sliding expiry).</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>No session outlives this, however active: a stolen cookie stops working eventually.</summary>
    public TimeSpan SessionMaxAge { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How long a web process reuses what it read about a session (its user and role) before
    /// reading it again; zero reads it on every request. Sign-out and changes made through this process
    /// apply at once; another web process sees them within this long.</summary>
    public TimeSpan SessionCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Sessions a web process remembers at once (see <see cref="SessionCacheDuration"/>).</summary>
    [Range(100, 1_000_000)]
    public int SessionCacheSize { get; set; } = 20_000;

    /// <summary>Failed sign-ins for one username, within <see cref="FailureWindow"/>, that lock it.</summary>
    [Range(1, 1000)]
    public int MaxFailuresPerAccount { get; set; } = 5;

    /// <summary>Failed sign-ins from one client address, within <see cref="FailureWindow"/>, that lock
    /// the address. Higher than the per-account limit: a lab or a NAT shares one address.</summary>
    [Range(1, 100_000)]
    public int MaxFailuresPerAddress { get; set; } = 50;

    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>An account's lock doubles from <see cref="LockoutDuration"/> with each lock it had within
    /// this long of the last one ending, up to this long; a right password clears the count.</summary>
    public TimeSpan LockoutMaxDuration { get; set; } = TimeSpan.FromHours(4);

    /// <summary>How long an address from which an account signed in stays known to it: from a known
    /// address, the right password passes the account's lock, so a guesser cannot lock its owner out.</summary>
    public TimeSpan KnownAddressMemory { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Reverse proxies whose X-Forwarded-For is believed (exact addresses). Behind a proxy every
    /// client would otherwise share the proxy's address and its per-address limit.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>How long to wait for a directory server to accept the connection.</summary>
    public TimeSpan LdapConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait for one directory operation (bind or search) to answer.</summary>
    public TimeSpan LdapOperationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    [Range(8, 128)]
    public int MinimumPasswordLength { get; set; } = 12;

    /// <summary>The longest an API token may live; a token request may ask for less.</summary>
    public TimeSpan ApiTokenMaxLifetime { get; set; } = TimeSpan.FromDays(365);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value, min, max) in new[]
        {
            (nameof(SessionIdleTimeout), SessionIdleTimeout, TimeSpan.FromMinutes(1), TimeSpan.FromDays(30)),
            (nameof(SessionMaxAge), SessionMaxAge, TimeSpan.FromMinutes(1), TimeSpan.FromDays(365)),
            (nameof(SessionCacheDuration), SessionCacheDuration, TimeSpan.Zero, TimeSpan.FromMinutes(1)),
            (nameof(FailureWindow), FailureWindow, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
            (nameof(LockoutDuration), LockoutDuration, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
            (nameof(LockoutMaxDuration), LockoutMaxDuration, TimeSpan.FromSeconds(1), TimeSpan.FromDays(7)),
            (nameof(KnownAddressMemory), KnownAddressMemory, TimeSpan.Zero, TimeSpan.FromDays(365)),
            (nameof(LdapConnectTimeout), LdapConnectTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1)),
            (nameof(LdapOperationTimeout), LdapOperationTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2)),
            (nameof(ApiTokenMaxLifetime), ApiTokenMaxLifetime, TimeSpan.FromMinutes(1), TimeSpan.FromDays(3650)),
        })
        {
            if (value < min || value > max)
            {
                yield return new ValidationResult($"must be between {min:c} and {max:c}, but is {value:c}", [name]);
            }
        }

        foreach (var proxy in TrustedProxies.Where(p => !System.Net.IPAddress.TryParse(p, out _)))
        {
            yield return new ValidationResult($"'{proxy}' is not an IP address", [nameof(TrustedProxies)]);
        }

        if (SessionMaxAge < SessionIdleTimeout)
        {
            yield return new ValidationResult($"must be at least SessionIdleTimeout ({SessionIdleTimeout:c})", [nameof(SessionMaxAge)]);
        }

        if (MaxFailuresPerAddress < MaxFailuresPerAccount)
        {
            yield return new ValidationResult(
                $"must be at least MaxFailuresPerAccount ({MaxFailuresPerAccount}): one user's typos must not lock a whole lab",
                [nameof(MaxFailuresPerAddress)]);
        }
    }
}
