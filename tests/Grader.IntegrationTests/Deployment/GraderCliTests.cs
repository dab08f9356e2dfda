namespace Grader.IntegrationTests.Deployment;

/// <summary>Issue 14, acceptance 4: the staff CLI, run as a process against the published Production
/// build. It bootstraps an admin through the web tier's own command, signs in (password on standard
/// input), validates and uploads a suite, runs an evaluation from a CSV end to end with exit 1 when a
/// student fails and 0 when all pass, follows a submission, and answers 3 for a refused token.</summary>
[Collection(PublishedCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class GraderCliTests(PublishedFixture grader) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("grader-cli-it-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task SignedInStaffUploadASuiteAndAnEvaluationsExitCodeReflectsItsFailure()
    {
        var cli = new CliProcess(Path.Combine(_folder, "config", "grader.json"));
        var assignment = $"published-cli-{LocalStack.RunId}";
        await DemoAssignment.StoreAsync(grader.Grains, assignment);
        var (admin, password) = await CreateAdminAsync(cli);

        var login = await cli.RunAsync(["login", "--url", grader.BaseUrl, "--username", admin], input: password + "\n");
        Assert.True(login.ExitCode == 0, login.ToString());
        var config = Path.Combine(_folder, "config", "grader.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(config));
        Assert.DoesNotContain(password, await File.ReadAllTextAsync(config), StringComparison.Ordinal);

        await SuiteIsValidatedThenUploadedAsync(cli, assignment);

        var failing = WriteFile("class-failing.csv", $"user,image,group\nann,{grader.Image("correct")},a\nben,{grader.Image("wrong")},a\n");
        var passing = WriteFile("class-passing.csv", $"user,image\ncid,{grader.Image("correct")}\n");
        var protocol = Path.Combine(_folder, "protocol.csv");
        var runs = await Task.WhenAll(
            cli.RunAsync(["evaluate", assignment, failing, "--wait", "--protocol", protocol]),
            cli.RunAsync(["evaluate", assignment, passing, "--wait"]),
            cli.RunAsync(["submit", assignment, grader.Image("correct"), "--watch"]));

        var (withFailure, allPass, submitted) = (runs[0], runs[1], runs[2]);
        Assert.True(withFailure.ExitCode == 1, withFailure.ToString());
        Assert.Contains("  ben: Completed, ", withFailure.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("  ann: ", withFailure.Output, StringComparison.Ordinal);
        Assert.Contains("done 2 · running 0 · queued 0 · failed 0", withFailure.Errors, StringComparison.Ordinal);
        var sheet = (await File.ReadAllLinesAsync(protocol)).Where(l => l.Length > 0).ToList();
        Assert.StartsWith("user,image,group,task,status", sheet[0], StringComparison.Ordinal);
        Assert.Equal(["ann", "ben"], sheet.Skip(1).Select(l => l.Split(',')[0]));
        Assert.True(allPass.ExitCode == 0, allPass.ToString());
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        Assert.Matches(@"(?m)^Completed: (\d+(\.\d+)?)/\1 points", submitted.Output);

        var grades = await cli.RunAsync(["grades", "export", assignment, "--format", "csv"]);
        Assert.True(grades.ExitCode == 0, grades.ToString());
        Assert.Contains("ben", grades.Output, StringComparison.Ordinal);

        var hosts = await cli.RunAsync(["hosts", "list"]);
        Assert.True(hosts.ExitCode == 0, hosts.ToString());
        Assert.Contains(grader.HostName, hosts.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedTokenIsExitThreeAndAnUnreachableServerFour()
    {
        var cli = new CliProcess(Path.Combine(_folder, "none.json"));
        var bad = await cli.RunAsync(["hosts", "list", "--url", grader.BaseUrl, "--token", "not-a-real-token"]);
        Assert.True(bad.ExitCode == 3, bad.ToString());
        Assert.Single(bad.Errors.Trim().Split('\n'));
        Assert.DoesNotContain(" at ", bad.Errors, StringComparison.Ordinal);

        var none = await cli.RunAsync(["grades", "export", "anything"], environment: new Dictionary<string, string> { ["GRADER_URL"] = grader.BaseUrl });
        Assert.True(none.ExitCode == 3, none.ToString());

        var unreachable = await cli.RunAsync(["hosts", "list", "--url", $"http://127.0.0.1:{FreePort.Next()}", "--token", "t"]);
        Assert.True(unreachable.ExitCode == 4, unreachable.ToString());

        var usage = await cli.RunAsync(["evaluate", "only-an-assignment"]);
        Assert.True(usage.ExitCode == 2, usage.ToString());
    }

    [Fact]
    public async Task LogoutRevokesTheTokenSoItIsRefusedAfterwards()
    {
        var cli = new CliProcess(Path.Combine(_folder, "logout.json"));
        var (staff, password) = await grader.AccountAsync($"cli-logout-{LocalStack.RunId}", UserRole.Staff);
        Assert.Equal(0, (await cli.RunAsync(["login", "--url", grader.BaseUrl, "--username", staff], input: password + "\n")).ExitCode);
        var token = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_folder, "logout.json"))).RootElement.GetProperty("token").GetString()!;
        Assert.Equal(0, (await cli.RunAsync(["hosts", "list"])).ExitCode);

        var logout = await cli.RunAsync(["logout"]);

        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.False(File.Exists(Path.Combine(_folder, "logout.json")));
        var revoked = await cli.RunAsync(["hosts", "list", "--url", grader.BaseUrl, "--token", token]);
        Assert.True(revoked.ExitCode == 3, revoked.ToString());
        var wrongPassword = await cli.RunAsync(["login", "--url", grader.BaseUrl, "--username", staff], input: "not the password\n");
        Assert.True(wrongPassword.ExitCode == 3, wrongPassword.ToString());
        Assert.False(File.Exists(Path.Combine(_folder, "logout.json")));
    }

    [Fact]
    public async Task CtrlCDuringAnEvaluationWithoutATerminalCancelsItOnTheServer()
    {
        var cli = new CliProcess(Path.Combine(_folder, "interrupt.json"));
        var assignment = $"published-cli-cancel-{LocalStack.RunId}";
        await DemoAssignment.StoreAsync(grader.Grains, assignment);
        var (staff, password) = await grader.AccountAsync($"cli-cancel-{LocalStack.RunId}", UserRole.Staff);
        Assert.Equal(0, (await cli.RunAsync(["login", "--url", grader.BaseUrl, "--username", staff], input: password + "\n")).ExitCode);
        // An app that never listens keeps its task in the probe for its whole start-up timeout.
        var csv = WriteFile("hanging.csv", $"user,image\nhang1,{grader.Image("never-listen")}\nhang2,{grader.Image("never-listen")}\n");

        var run = await cli.RunAsync(["evaluate", assignment, csv, "--wait"], interruptWhen: line => line.StartsWith('['));

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.True(run.Errors.Contains("Cancelling", StringComparison.Ordinal), run.ToString());
        Assert.Contains("done 0 · running 0 · queued 0 · failed 2", run.Errors, StringComparison.Ordinal);
        var id = Guid.Parse(System.Text.RegularExpressions.Regex.Match(run.Output, @"Evaluation ([0-9a-f-]{36})").Groups[1].Value);
        foreach (var entry in (await grader.Grains.GetGrain<Grader.Evaluations.IEvaluationGrain>(id).GetAsync())!.Entries)
        {
            Assert.Equal(GradingStatus.Cancelled, (await grader.Transitions.WaitForAsync(entry.TaskId, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(1))).Status);
        }
    }

    /// <summary>The first-admin path: <c>grader admin create</c> runs the web tier's create-admin in the
    /// published folder, with the database settings the server itself was given; a second run is refused.</summary>
    private async Task<(string Username, string Password)> CreateAdminAsync(CliProcess cli)
    {
        var (username, password) = ($"cli-admin-{LocalStack.RunId}", $"pw-cli-admin-{LocalStack.RunId}");
        var database = new Dictionary<string, string>
        {
            ["Database__Host"] = LocalStack.Get("Database__Host"),
            ["Database__Port"] = LocalStack.Get("Database__Port"),
            ["Database__Username"] = LocalStack.Get("Database__Username"),
            ["Database__Password"] = LocalStack.Get("Database__Password"),
            ["Database__Name"] = grader.Grader.StateDatabase,
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        string[] args = ["admin", "create", username, "--web-dir", PublishedGrader.AppDirectory];
        var created = await cli.RunAsync(args, input: password + "\n", environment: database);
        Assert.True(created.ExitCode == 0, created.ToString());
        var again = await cli.RunAsync(args, input: password + "\n", environment: database);
        Assert.True(again.ExitCode == 5, again.ToString());
        Assert.Contains("already exists", again.Errors, StringComparison.Ordinal);
        return (username, password);
    }

    private async Task SuiteIsValidatedThenUploadedAsync(CliProcess cli, string assignment)
    {
        var admin = await grader.Grader.AdminAsync();
        var suite = await admin.GetStringAsync($"/api/assignments/{assignment}/suite");
        var broken = WriteFile("broken.yaml", "version: 1\nscenarios:\n  - id: one\n    title: One\n    steps:\n      - title: s\n        request: { method: GET, path: /x }\n        expect: { status: 200 }\n        bogus: true\n");

        var rejected = await cli.RunAsync(["suite", "validate", assignment, broken]);
        Assert.True(rejected.ExitCode == 5, rejected.ToString());
        Assert.Matches(@"(?m)^broken\.yaml:\d+:\d+: ", rejected.Errors);
        var rejectedUpload = await cli.RunAsync(["suite", "upload", assignment, broken]);
        Assert.True(rejectedUpload.ExitCode == 5, rejectedUpload.ToString());
        Assert.Equal(suite, await admin.GetStringAsync($"/api/assignments/{assignment}/suite"));

        var good = WriteFile("demo.yaml", "# uploaded by the CLI test\n" + suite);
        var valid = await cli.RunAsync(["suite", "validate", assignment, good]);
        Assert.True(valid.ExitCode == 0, valid.ToString());
        Assert.Equal(suite, await admin.GetStringAsync($"/api/assignments/{assignment}/suite"));
        var uploaded = await cli.RunAsync(["suite", "upload", assignment, good]);
        Assert.True(uploaded.ExitCode == 0, uploaded.ToString());
        Assert.StartsWith("# uploaded by the CLI test", await admin.GetStringAsync($"/api/assignments/{assignment}/suite"), StringComparison.Ordinal);
    }

    private string WriteFile(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }
}
