using Grader.Telemetry;
using Grader.Web.Auth.Accounts;
using Grader.Web.Auth.Ldap;

namespace Grader.Web.Auth.SignIn;

/// <summary>Checks a username and password: throttling first, then the local account of that name if
/// there is one, otherwise the LDAP sources in order. A directory user's profile and role are
/// refreshed at every sign-in. Creates no session: the HTTP layer does that.</summary>
public sealed partial class SignInService(
    UserStore users,
    LocalPasswords passwords,
    LdapAuthenticator directories,
    SignInThrottle throttle,
    ILogger<SignInService> logger)
{
    public const int MaxUsernameLength = 256;

    public async Task<SignInResult> SignInAsync(string? username, string? password, string clientAddress, CancellationToken ct)
    {
        var name = username?.Trim() ?? "";
        password ??= "";
        var attempt = await throttle.BeginAsync(name, clientAddress, ct);
        if (attempt.RetryAfter is { } wait)
        {
            GraderTelemetry.SignInFailed("locked_out");
            LogLockedOut(logger, await LoggableAsync(name, ct), clientAddress, wait);
            return new SignInResult.LockedOut(wait);
        }

        // The attempt already counts as a failure; the outcomes that are not one take it back.
        var result = IsPlausible(name) && password.Length > 0
            ? await CheckAsync(name, password, ct)
            : new SignInResult.InvalidCredentials();
        switch (result)
        {
            case SignInResult.Succeeded success:
                await throttle.SucceededAsync(attempt, ct);
                LogSignedIn(logger, success.User.Username, success.Method, success.User.Role.Name(), clientAddress);
                break;
            case SignInResult.AccountDisabled:
                await throttle.SucceededAsync(attempt, ct);
                LogDisabled(logger, name, clientAddress);
                break;
            case SignInResult.DirectoryUnavailable:
                await throttle.NotJudgedAsync(attempt, ct);
                break;
            default:
                GraderTelemetry.SignInFailed("invalid");
                LogInvalid(logger, await LoggableAsync(name, ct), clientAddress);
                break;
        }

        return result;
    }

    private async Task<SignInResult> CheckAsync(string name, string password, CancellationToken ct)
    {
        // A local account of that name is the only thing that can sign it in: directories are not asked.
        var localHash = await users.FindPasswordHashAsync(name, ct);
        if (!passwords.Verify(localHash, password, out var rehash))
        {
            return localHash is null ? await AskDirectoriesAsync(name, password, ct) : new SignInResult.InvalidCredentials();
        }

        if (rehash is not null)
        {
            await users.SetPasswordHashAsync(name, rehash, ct);
        }

        var local = await users.FindAsync(name, ct);
        if (local is not { IsActive: true })
        {
            return new SignInResult.AccountDisabled();
        }

        await users.RecordSignInAsync(name, ct);
        return new SignInResult.Succeeded(local, "local");
    }

    private async Task<SignInResult> AskDirectoriesAsync(string name, string password, CancellationToken ct)
    {
        switch (await directories.AuthenticateAsync(name, password, ct))
        {
            case LdapAuthentication.Accepted accepted:
                var user = await users.UpsertDirectoryUserAsync(accepted.Profile, accepted.Source.Id, ct);
                if (user is null)
                {
                    // The directory's username is a local account's: the directory may not sign it in.
                    LogLocalNameClash(logger, accepted.Profile.Username, accepted.Source.Name);
                    return new SignInResult.InvalidCredentials();
                }

                return user.IsActive ? new SignInResult.Succeeded(user, "ldap:" + accepted.Source.Name) : new SignInResult.AccountDisabled();
            case LdapAuthentication.Unavailable:
                return new SignInResult.DirectoryUnavailable();
            default:
                return new SignInResult.InvalidCredentials();
        }
    }

    /// <summary>People type their password into the username field; a failed name is logged only when
    /// it is a known user's, so such a password never reaches the logs.</summary>
    private async Task<string> LoggableAsync(string name, CancellationToken ct) =>
        IsPlausible(name) && await users.FindAsync(name, ct) is { } user ? user.Username : "(unknown user)";

    /// <summary>Names no directory or account could hold are refused without asking anyone; they still
    /// count as failures.</summary>
    private static bool IsPlausible(string name) =>
        name.Length is > 0 and <= MaxUsernameLength && !name.Any(char.IsControl) && !HasLoneSurrogate(name);

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Username} signed in ({Method}) as {Role} from {ClientAddress}")]
    private static partial void LogSignedIn(ILogger logger, string username, string method, string role, string clientAddress);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sign-in failed for {Username} from {ClientAddress}: invalid credentials")]
    private static partial void LogInvalid(ILogger logger, string username, string clientAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused for {Username} from {ClientAddress}: locked out for {RetryAfter}")]
    private static partial void LogLockedOut(ILogger logger, string username, string clientAddress, TimeSpan retryAfter);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sign-in refused for {Username} from {ClientAddress}: the account is disabled")]
    private static partial void LogDisabled(ILogger logger, string username, string clientAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "LDAP source {Source} accepted {Username}, which is a local account's name; refused")]
    private static partial void LogLocalNameClash(ILogger logger, string username, string source);
}
