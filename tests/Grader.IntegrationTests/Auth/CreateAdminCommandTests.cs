using System.Diagnostics;
using Microsoft.AspNetCore.Identity;

namespace Grader.IntegrationTests.Auth;

/// <summary>The first admin comes from <c>dotnet Grader.Web.dll create-admin USERNAME</c>, run against a
/// database the grader has never started on.</summary>
public sealed class CreateAdminCommandTests : IAsyncLifetime
{
    private readonly string _database = $"grader_it_admin_{LocalStack.RunId}";

    public Task InitializeAsync() => LocalStack.CreateDatabaseAsync(_database);

    public Task DisposeAsync() => LocalStack.DropDatabaseAsync(_database);

    [Fact]
    public async Task CreatesAHashedLocalAdminOnceFromStandardInput()
    {
        var first = await RunAsync(["create-admin", "First-Admin"], stdin: "a-very-good-password\n");
        var again = await RunAsync(["create-admin", "first-admin"], stdin: "another-good-password\n");
        var ifMissing = await RunAsync(["create-admin", "first-admin", "--if-missing"], stdin: "another-good-password\n");

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("Created the local admin 'first-admin'", first.Stdout);
        Assert.Equal((1, true), (again.ExitCode, again.Stderr.Contains("already exists", StringComparison.Ordinal)));
        Assert.Equal(0, ifMissing.ExitCode);
        var hash = await LocalStack.ScalarAsync<string>(_database,
            "SELECT password_hash FROM auth_users WHERE username = 'first-admin' AND is_local AND source_role = 'admin'");
        Assert.NotNull(hash);
        Assert.DoesNotContain("a-very-good-password", hash);
        Assert.NotEqual(PasswordVerificationResult.Failed, new PasswordHasher<string>().VerifyHashedPassword("", hash, "a-very-good-password"));
    }

    [Fact]
    public async Task TakesThePasswordFromTheEnvironmentAndRefusesAShortOne()
    {
        var shortPassword = await RunAsync(["create-admin", "env-admin"], environment: "short");
        var fromEnvironment = await RunAsync(["create-admin", "env-admin"], environment: "a-password-from-the-environment");

        Assert.Equal(1, shortPassword.ExitCode);
        Assert.Contains("at least 12 characters", shortPassword.Stderr);
        Assert.Equal(0, fromEnvironment.ExitCode);
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] args, string? stdin = null, string? environment = null)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var directory = Path.Combine(LocalStack.RepoRoot, "Client.Web", "bin", configuration, "net10.0");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(directory, "Grader.Web.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var key in start.Environment.Keys.Where(k => k.Contains("__", StringComparison.Ordinal) || k.StartsWith("GRADER_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in SiloSettings.AsEnvironment(SiloSettings.For("create-admin", _database, $"it-admin-{LocalStack.RunId}")))
        {
            start.Environment[key] = value;
        }

        if (environment is not null)
        {
            start.Environment["GRADER_ADMIN_PASSWORD"] = environment;
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(stdin ?? "");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
