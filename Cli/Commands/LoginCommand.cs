using System.CommandLine;
using System.Net;
using System.Text.Json;
using Grader.Cli.Staff;

namespace Grader.Cli.Commands;

/// <summary><c>grader login --url URL [--username NAME]</c> and <c>grader logout</c>. Login signs in once
/// with a password, makes an API token from that session (the server makes tokens only from a session,
/// so a leaked token cannot mint others), signs the session out and keeps the token.</summary>
public static class LoginCommand
{
    public static Command Create()
    {
        var username = new Option<string?>("--username", "-u") { Description = "Who signs in (asked for when left out)." };
        var days = new Option<int?>("--expires-in-days") { Description = "The token's lifetime (default and cap: the server's Auth:ApiTokenMaxLifetime)." };
        var command = new Command("login", "Sign in (password typed unechoed, or the first line of standard input), create an API token and store it with the URL in your config file (mode 0600).")
        {
            username, days,
        };
        command.SetAction((parse, ct) => StaffCommand.RunAsync(async () =>
        {
            var url = Connection.ParseUrl(parse.GetValue(StaffCommand.Url) ?? Environment.GetEnvironmentVariable(Connection.UrlVariable)
                ?? throw new CliException(ExitCodes.Usage, $"pass --url (or set {Connection.UrlVariable}): the grader's address"));
            var name = parse.GetValue(username) ?? Prompt.Line("Username");
            var password = Prompt.Secret($"Password for {name}");
            var login = await SignInForTokenAsync(url, name, password, parse.GetValue(days), ct);
            var path = CliConfig.DefaultPath(Environment.GetEnvironmentVariable);
            CliConfig.Write(path, login);
            Console.WriteLine($"Signed in to {url} as {login.Username}; token stored in {path}.");
            return ExitCodes.Success;
        }));
        return command;
    }

    public static Command CreateLogout()
    {
        var command = new Command("logout", "Revoke the stored API token on the server and delete the config file.");
        command.SetAction((_, ct) => StaffCommand.RunAsync(async () =>
        {
            var path = CliConfig.DefaultPath(Environment.GetEnvironmentVariable);
            var login = CliConfig.Read(path);
            if (login is null)
            {
                Console.WriteLine("Not signed in; nothing to do.");
                return ExitCodes.Success;
            }

            // The file goes whatever the server says: the user asked to forget the token here.
            CliConfig.Delete(path);
            if (login.TokenId is { } id)
            {
                using var api = new GraderApi(Connection.ParseUrl(login.Url.AbsoluteUri), login.Token);
                try
                {
                    (await api.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"api/auth/tokens/{id}"), ct)).Dispose();
                }
                catch (CliException e) when (e.ExitCode == ExitCodes.NotSignedIn)
                {
                    // Already revoked or expired: nothing left to revoke.
                }
                catch (CliException e)
                {
                    throw new CliException(e.ExitCode, $"deleted {path}, but the token was not revoked on the server ({e.Message}); revoke it on the Tokens screen");
                }
            }

            Console.WriteLine($"Signed out of {login.Url}; deleted {path}.");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static async Task<StoredLogin> SignInForTokenAsync(Uri url, string username, string password, int? days, CancellationToken ct)
    {
        using var cookies = new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true };
        using var session = new GraderApi(url, token: null, cookies);
        var signedIn = await session.PostJsonAsync("api/auth/sign-in", new { username, password }, ct);
        var user = signedIn.GetProperty("user");
        var antiforgery = signedIn.GetProperty("antiforgeryToken").GetString();
        session.Http.DefaultRequestHeaders.Add("X-CSRF-TOKEN", antiforgery);
        try
        {
            var created = await session.PostJsonAsync("api/auth/tokens", new { name = $"grader CLI on {Environment.MachineName}", expiresInDays = days }, ct);
            var info = created.GetProperty("info");
            return new StoredLogin(url, created.GetProperty("token").GetString()!, user.GetProperty("username").GetString(), info.GetProperty("id").GetGuid());
        }
        catch (CliException e) when (e.ExitCode == ExitCodes.NotSignedIn)
        {
            var role = user.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : "unknown";
            throw new CliException(ExitCodes.NotSignedIn, $"signed in as {username} ({role}), but no API token could be made: the CLI is for staff ({e.Message})");
        }
        finally
        {
            try
            {
                (await session.SendAsync(new HttpRequestMessage(HttpMethod.Post, "api/auth/sign-out"), ct)).Dispose();
            }
            catch (CliException)
            {
                // The session ends with its cookie anyway; the token is what matters.
            }
        }
    }
}
