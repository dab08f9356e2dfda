using Grader.Web.Auth.Accounts;
using Microsoft.Extensions.Options;

namespace Grader.Web.Auth.Ldap;

/// <summary>The result of asking every active source.</summary>
public abstract record LdapAuthentication
{
    public sealed record Accepted(AuthSource Source, DirectoryProfile Profile) : LdapAuthentication;

    /// <summary>Every source that could be asked refused the credentials.</summary>
    public sealed record Rejected : LdapAuthentication;

    /// <summary>No source accepted, and at least one could not be asked: the password was not judged.</summary>
    public sealed record Unavailable(IReadOnlyList<string> Sources) : LdapAuthentication;
}

/// <summary>Tries the active sources in order; the first that accepts the username and password wins.
/// A source that is down or misconfigured is logged and skipped. Each source gets a hard deadline on
/// top of the library's own timeouts, so no server can hold a sign-in longer than that.</summary>
/// <remarks>The deadline frees the request, not the thread: a search sent to a server that stops
/// answering after the bind can block its thread far longer than asked, because on Linux the library
/// hands libldap a timeval of two ints where libldap reads two longs (the second half is whatever
/// follows in memory; we saw a 13-hour wait). So each source also has a bulkhead: at most
/// <see cref="MaxAttemptsPerSource"/> calls in flight, and a source whose calls are all stuck is
/// reported unavailable at once instead of tying up more threads.</remarks>
public sealed partial class LdapAuthenticator(
    AuthSourceStore sources,
    LdapDirectoryClient client,
    IOptions<AuthOptions> options,
    ILogger<LdapAuthenticator> logger)
{
    public const int MaxAttemptsPerSource = 8;

    private static int _warnedAboutTimeouts;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, SemaphoreSlim> _inFlight = new();

    private readonly TimeSpan _deadline = options.Value.LdapConnectTimeout + 2 * options.Value.LdapOperationTimeout + TimeSpan.FromSeconds(1);

    public async Task<LdapAuthentication> AuthenticateAsync(string username, string password, CancellationToken ct)
    {
        if (client.NativeTimeoutProblem is { } problem && Interlocked.Exchange(ref _warnedAboutTimeouts, 1) == 0)
        {
            LogNoNativeTimeouts(logger, problem);
        }

        var unavailable = new List<string>();
        foreach (var source in await sources.ListActiveAsync(ct))
        {
            var outcome = await AskAsync(source, username, password, ct);
            switch (outcome)
            {
                case LdapSignInOutcome.Accepted accepted:
                    LogAccepted(logger, source.Name, accepted.Profile.Username, accepted.Profile.Role.Name());
                    return new LdapAuthentication.Accepted(source, accepted.Profile);
                case LdapSignInOutcome.Rejected:
                    LogRejected(logger, source.Name, username);
                    break;
                case LdapSignInOutcome.Unavailable down:
                    LogUnavailable(logger, source.Name, source.Uri, down.Reason);
                    unavailable.Add(source.Name);
                    break;
                case LdapSignInOutcome.Misconfigured wrong:
                    LogMisconfigured(logger, source.Name, username, wrong.Reason);
                    unavailable.Add(source.Name);
                    break;
            }
        }

        return unavailable.Count > 0 ? new LdapAuthentication.Unavailable(unavailable) : new LdapAuthentication.Rejected();
    }

    /// <summary>One source, with each step recorded: the admin's "test this source", under the same
    /// deadline and bulkhead as sign-in.</summary>
    public Task<LdapSignInOutcome> TestAsync(AuthSource source, string username, string password, LdapTrace trace, CancellationToken ct) =>
        AskAsync(source, username, password, ct, trace);

    private async Task<LdapSignInOutcome> AskAsync(AuthSource source, string username, string password, CancellationToken ct, LdapTrace? trace = null)
    {
        var slots = _inFlight.GetOrAdd(source.Id, _ => new SemaphoreSlim(MaxAttemptsPerSource));
        if (!slots.Wait(0, CancellationToken.None))
        {
            return new LdapSignInOutcome.Unavailable($"{MaxAttemptsPerSource} earlier sign-ins are still waiting for it");
        }

        // The library blocks; run it off the request thread and stop waiting at the deadline. The slot
        // is given back only when the call really ends.
        var attempt = Task.Run(() =>
        {
            try
            {
                return client.SignIn(source, username, password, trace);
            }
            finally
            {
                slots.Release();
            }
        }, CancellationToken.None);
        try
        {
            return await attempt.WaitAsync(_deadline, ct);
        }
        catch (TimeoutException)
        {
            return new LdapSignInOutcome.Unavailable($"no answer within {_deadline.TotalSeconds:0.#} s");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "LDAP source {Source} signed in {Username} as {Role}")]
    private static partial void LogAccepted(ILogger logger, string source, string username, string role);

    [LoggerMessage(Level = LogLevel.Debug, Message = "LDAP source {Source} refused the credentials for {Username}")]
    private static partial void LogRejected(ILogger logger, string source, string username);

    [LoggerMessage(Level = LogLevel.Warning, Message = "LDAP source {Source} at {Uri} is unavailable and was skipped: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string source, string uri, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "LDAP source {Source} accepted {Username} but is misconfigured and was skipped: {Reason}")]
    private static partial void LogMisconfigured(ILogger logger, string source, string username, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "LDAP connect and operation timeouts could not be set in libldap ({Problem}); only the per-source deadline bounds sign-in")]
    private static partial void LogNoNativeTimeouts(ILogger logger, string problem);
}
