using System.Text;
using Grader.Configuration;
using Grader.Database;
using Grader.Web.Hosting;
using Grader.Web.Auth.SignIn;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Grader.Web.Auth.Accounts;

/// <summary>
/// The first way in: <c>dotnet Grader.Web.dll create-admin USERNAME [--if-missing]</c> creates a local
/// admin account in the database the web tier uses (same settings: appsettings.json, environment,
/// <c>--Database:Host=…</c>). The password comes from the GRADER_ADMIN_PASSWORD environment variable,
/// else from the first line of standard input (asked for, unechoed, at a terminal); never from the
/// command line, where other users could read it. The schema is applied first, so this works before
/// the grader has ever started. Exit codes: 0 done, 1 refused (the message says why), 2 bad setting.
/// </summary>
public static class CreateAdminCommand
{
    public const string Name = "create-admin";
    public const string PasswordVariable = "GRADER_ADMIN_PASSWORD";
    private const string IfMissing = "--if-missing";

    public static bool Matches(string[] args) => args is [Name, ..];

    public static async Task<int> RunAsync(string[] args)
    {
        var rest = args[1..];
        var username = rest.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal));
        if (username is null || rest.Contains("--help"))
        {
            await Console.Error.WriteLineAsync($"usage: dotnet Grader.Web.dll {Name} USERNAME [{IfMissing}]   (password from ${PasswordVariable} or standard input)");
            return 1;
        }

        var builder = Host.CreateApplicationBuilder(rest.Where(a => a != username && a != IfMissing).ToArray());
        builder.Logging.ClearProviders();
        var database = builder.Configuration.Read<DatabaseOptions>(DatabaseOptions.Section);
        builder.Services.AddSingleton(Options.Create(database));
        builder.Services.AddSingleton(Options.Create(builder.Configuration.Read<AuthOptions>(AuthOptions.Section)));
        builder.Services.AddAuthStores();
        builder.Services.AddSchemaMigration();
        using var host = builder.Build();
        var users = host.Services.GetRequiredService<UserStore>();
        var passwords = host.Services.GetRequiredService<LocalPasswords>();

        var normalized = UserStore.Normalize(username);
        if (normalized.Length is 0 or > SignInService.MaxUsernameLength || normalized.Any(char.IsControl))
        {
            await Console.Error.WriteLineAsync($"The username must be 1 to {SignInService.MaxUsernameLength} characters without control characters.");
            return 1;
        }

        try
        {
            await GraderHosting.MigrateSchemaAsync(host.Services, database.ConnectionString());
            if (await users.FindAsync(normalized, CancellationToken.None) is not null)
            {
                await Console.Error.WriteLineAsync($"The user '{normalized}' already exists{(rest.Contains(IfMissing) ? "; left as it is" : "")}.");
                return rest.Contains(IfMissing) ? 0 : 1;
            }

            var password = Environment.GetEnvironmentVariable(PasswordVariable) ?? ReadPassword(normalized);
            if (passwords.Problem(password) is { } problem)
            {
                await Console.Error.WriteLineAsync($"The password {problem}.");
                return 1;
            }

            if (!await users.CreateLocalAsync(normalized, passwords.Hash(password!), UserRole.Admin, null, null, null, CancellationToken.None))
            {
                await Console.Error.WriteLineAsync($"The user '{normalized}' already exists.");
                return 1;
            }
        }
        catch (NpgsqlException e)
        {
            await Console.Error.WriteLineAsync($"PostgreSQL at {database.Host}:{database.Port} did not accept the change: {e.Message}");
            return 1;
        }

        Console.WriteLine($"Created the local admin '{normalized}'. Sign in at /sign-in or POST /api/auth/sign-in.");
        return 0;
    }

    private static string? ReadPassword(string username)
    {
        if (Console.IsInputRedirected)
        {
            return Console.In.ReadLine();
        }

        Console.Error.Write($"Password for {username}: ");
        var password = new StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace && password.Length > 0)
            {
                password.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return password.ToString();
    }
}
