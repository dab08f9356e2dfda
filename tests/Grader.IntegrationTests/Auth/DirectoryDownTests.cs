using System.Diagnostics;

namespace Grader.IntegrationTests.Auth;

/// <summary>A directory that is down or hung is skipped, never hangs sign-in, and never blocks local
/// accounts. Each test runs its own slapd, so the shared one is never stopped.</summary>
[Collection(AuthCollection.Name)]
public sealed class DirectoryDownTests(AuthFixture grader) : IAsyncLifetime
{
    // Connect, bind and search timeouts plus a margin for a loaded machine.
    private static readonly TimeSpan SignInLimit = 3 * AuthFixture.LdapTimeout + TimeSpan.FromSeconds(3);

    private readonly string _run = $"down-{LocalStack.RunId}-{Guid.NewGuid():N}"[..24];
    private OwnSlapd _slapd = null!;
    private TestDirectory _directory = null!;
    private HttpClient _admin = null!;
    private string _adminPassword = null!;

    public async Task InitializeAsync()
    {
        _slapd = OwnSlapd.Start();
        _directory = new TestDirectory(_run, _slapd.Uri, _slapd.AdminPassword);
        _directory.AddPerson("student-d1", "student-password", "students");
        _adminPassword = $"pw-{Guid.NewGuid():N}";
        await grader.CreateLocalUserAsync($"admin-{_run}", _adminPassword, UserRole.Admin);
        _admin = await grader.SignedInAsync($"admin-{_run}", _adminPassword);
        await grader.AddSourceAsync(_admin, _directory.Source("Own directory"));
    }

    public async Task DisposeAsync()
    {
        await grader.RemoveSourcesAsync();
        // A frozen server would hold the cleanup's own requests forever.
        _slapd.Thaw();
        _directory.Dispose();
        _slapd.Dispose();
    }

    [Fact]
    public async Task DirectoryThatAnswersSignsIn()
    {
        var response = await AuthFixture.SignInAsync(grader.Client(), "student-d1", "student-password");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task StoppedDirectoryFailsSignInQuicklyWithAClearMessage()
    {
        _slapd.Kill();

        var (response, elapsed) = await TimedSignInAsync("student-d1", "student-password");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("directory is not reachable", await AuthFixture.ProblemDetailAsync(response));
        Assert.True(elapsed < SignInLimit, $"took {elapsed}");
    }

    [Fact]
    public async Task HungDirectoryFailsSignInWithinTheTimeout()
    {
        _slapd.Freeze();

        var (response, elapsed) = await TimedSignInAsync("student-d1", "student-password");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(elapsed < SignInLimit, $"took {elapsed}");
        Assert.True(elapsed >= AuthFixture.LdapTimeout - TimeSpan.FromMilliseconds(200), $"gave up after only {elapsed}");
    }

    [Fact]
    public async Task LocalAdminStillSignsInWhileTheDirectoryIsDown()
    {
        _slapd.Freeze();

        var (response, elapsed) = await TimedSignInAsync($"admin-{_run}", _adminPassword);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(elapsed < AuthFixture.LdapTimeout, $"took {elapsed}: the directory was asked");
    }

    [Fact]
    public async Task DownSourceIsSkippedAndTheNextOneSignsIn()
    {
        using var working = new TestDirectory(_run + "-ok");
        working.AddPerson("student-d2", "other-password", "staff");
        await grader.AddSourceAsync(_admin, working.Source("Working directory", order: 10));
        _slapd.Kill();

        var (response, elapsed) = await TimedSignInAsync("student-d2", "other-password");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(elapsed < SignInLimit, $"took {elapsed}");
    }

    [Fact]
    public async Task DirectoryThatHangsAfterTheBindStillEndsSignInAtTheDeadline()
    {
        await grader.RemoveSourcesAsync();
        using var server = new HangAfterBindServer();
        await grader.AddSourceAsync(_admin, _directory.Source("Hangs after bind", uri: server.Uri));

        var (response, elapsed) = await TimedSignInAsync("student-d1", "student-password");

        Assert.Equal(1, server.Searches);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(elapsed < SignInLimit + AuthFixture.LdapTimeout, $"took {elapsed}");
    }

    [Fact]
    public async Task FailuresWhileTheDirectoryIsDownDoNotLockTheAccount()
    {
        _slapd.Kill();
        var client = grader.Client();
        for (var i = 0; i < AuthFixture.MaxFailuresPerAccount + 1; i++)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await AuthFixture.SignInAsync(client, "student-d1", "student-password")).StatusCode);
        }
    }

    private async Task<(HttpResponseMessage Response, TimeSpan Elapsed)> TimedSignInAsync(string username, string password)
    {
        var clock = Stopwatch.StartNew();
        var response = await AuthFixture.SignInAsync(grader.Client(), username, password);
        return (response, clock.Elapsed);
    }
}
