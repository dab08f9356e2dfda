using System.CommandLine;
using System.Diagnostics;
using Grader.Cli.Staff;

namespace Grader.Cli.Commands;

/// <summary><c>grader admin create NAME [--web-dir DIR]</c>: the first admin. Nobody can sign in yet, so
/// no API can do it: this runs the web tier's own bootstrap, <c>dotnet Grader.Web.dll create-admin</c>, in
/// the installed web folder (its appsettings.json and this environment give the database settings),
/// handing it the password through its GRADER_ADMIN_PASSWORD variable. The account is made by the same
/// code, with the same username and password rules, as every other bootstrap; the CLI links none of it.</summary>
public static class AdminCommand
{
    public const string WebDirectoryVariable = "GRADER_WEB_DIR";
    public const string DefaultWebDirectory = "/opt/grader/web";

    public static Command Create()
    {
        var username = new Argument<string>("username") { Description = "The new admin's username." };
        var webDir = new Option<DirectoryInfo?>("--web-dir")
        {
            Description = $"The installed web tier, holding Grader.Web.dll (default: ${WebDirectoryVariable}, then {DefaultWebDirectory}).",
        };
        var ifMissing = new Option<bool>("--if-missing") { Description = "Succeed without a change when the user exists already." };
        var create = new Command("create", "Create a local admin account on this server machine (the first admin); password typed unechoed or the first line of standard input.")
        {
            username, webDir, ifMissing,
        };
        create.SetAction((parse, ct) => StaffCommand.RunAsync(async () =>
        {
            var folder = parse.GetValue(webDir)?.FullName ?? Environment.GetEnvironmentVariable(WebDirectoryVariable) ?? DefaultWebDirectory;
            if (!File.Exists(Path.Combine(folder, "Grader.Web.dll")))
            {
                throw new CliException(ExitCodes.Usage, $"no Grader.Web.dll in {folder}: pass --web-dir (or set {WebDirectoryVariable}) to the installed web tier");
            }

            var name = parse.GetValue(username)!;
            var password = Prompt.Secret($"Password for {name}");
            return await RunBootstrapAsync(folder, name, password, parse.GetValue(ifMissing), ct);
        }));
        return new Command("admin", "Bootstrap an installation.") { create };
    }

    private static async Task<int> RunBootstrapAsync(string folder, string username, string password, bool ifMissing, CancellationToken ct)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "Grader.Web.dll", "create-admin", username }.Concat(ifMissing ? ["--if-missing"] : []))
        {
            start.ArgumentList.Add(arg);
        }

        // An environment variable of the child only, never its command line (which ps shows to everyone).
        start.Environment["GRADER_ADMIN_PASSWORD"] = password;
        using var process = Process.Start(start) ?? throw new CliException(ExitCodes.Usage, "dotnet could not be started");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var said = ((await output).Trim() + " " + (await errors).Trim()).Trim().ReplaceLineEndings(" ");
        if (process.ExitCode == 0)
        {
            Console.WriteLine(said);
            return ExitCodes.Success;
        }

        // The bootstrap's own codes: 1 refused (user exists, weak password, database refused), 2 a bad setting.
        throw new CliException(process.ExitCode == 2 ? ExitCodes.Usage : ExitCodes.InvalidInput, said.Length > 0 ? said : $"create-admin exited with {process.ExitCode}");
    }
}
