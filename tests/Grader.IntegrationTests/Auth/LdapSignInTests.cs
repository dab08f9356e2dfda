using Grader.Web.Auth.Accounts;
using Grader.Web.Auth.Ldap;
using Grader.Web.Auth.SignIn;

namespace Grader.IntegrationTests.Auth;

/// <summary>Sign-in against the stack's real OpenLDAP, with this test's own people and groups.</summary>
[Collection(AuthCollection.Name)]
public sealed class LdapSignInTests(AuthFixture grader) : IAsyncLifetime
{
    private readonly string _run = $"run-{LocalStack.RunId}-{Guid.NewGuid():N}"[..24];
    private TestDirectory _directory = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _directory = new TestDirectory(_run);
        _admin = await grader.NewUserAsync($"admin-{_run}", UserRole.Admin);
        await grader.AddSourceAsync(_admin, _directory.Source("University"));
    }

    public async Task DisposeAsync()
    {
        await grader.RemoveSourcesAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task StudentAndStaffSignInWithTheirGroupsRolesAndProfiles()
    {
        _directory.AddPerson("stud1", "student-password", "students");
        _directory.AddPerson("prof1", "staff-password", "staff");
        _directory.AddPerson("nogroup1", "nogroup-password");

        var student = await SignInAsync("stud1", "student-password");
        var staff = await SignInAsync("prof1", "staff-password");
        var nobody = await SignInAsync("nogroup1", "nogroup-password");

        Assert.Equal(("stud1", "student", "stud1@uni.test", "Given", "Family-stud1", false),
            (student.Username, student.Role, student.Email, student.FirstName, student.LastName, student.IsLocal));
        Assert.Equal("staff", staff.Role);
        Assert.Equal("student", nobody.Role);
    }

    [Fact]
    public async Task UsernameIsMatchedCaseInsensitivelyAndStoredAsTheDirectorySpellsIt()
    {
        _directory.AddPerson("mixed1", "mixed-password", "students");

        var user = await SignInAsync("  MIXED1 ", "mixed-password");

        Assert.Equal("mixed1", user.Username);
    }

    [Fact]
    public async Task MovingAUserToAnotherGroupChangesTheRoleAtNextSignIn()
    {
        _directory.AddPerson("mover1", "mover-password", "students");
        Assert.Equal("student", (await SignInAsync("mover1", "mover-password")).Role);

        _directory.RemoveFromGroup("mover1", "students");
        _directory.AddToGroup("mover1", "staff");

        Assert.Equal("staff", (await SignInAsync("mover1", "mover-password")).Role);
        _directory.AddToGroup("mover1", "admins");
        Assert.Equal("admin", (await SignInAsync("mover1", "mover-password")).Role);
        var stored = await grader.Service<UserStore>().FindAsync("mover1", CancellationToken.None);
        Assert.Equal(UserRole.Admin, stored!.SourceRole);
    }

    [Fact]
    public async Task SecondSourceIsUsedWhenTheFirstHasNoSuchUser()
    {
        using var second = new TestDirectory(_run + "-b");
        var secondSource = await grader.AddSourceAsync(_admin, second.Source("Second faculty", order: 5));
        second.AddPerson("only-in-b", "b-password", "staff");

        var user = await SignInAsync("only-in-b", "b-password");

        Assert.Equal("staff", user.Role);
        Assert.Equal(secondSource.Id, (await grader.Service<UserStore>().FindAsync("only-in-b", CancellationToken.None))!.SourceId);
    }

    [Fact]
    public async Task InactiveSourceIsNotAsked()
    {
        await grader.RemoveSourcesAsync();
        await grader.AddSourceAsync(_admin, _directory.Source("Switched off") with { IsActive = false });
        _directory.AddPerson("inactive1", "inactive-password", "students");

        var response = await AuthFixture.SignInAsync(grader.Client(), "inactive1", "inactive-password");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("o'brien,jr")]
    [InlineData("star*)(uid=*")]
    [InlineData("eq=uals+plus")]
    [InlineData("#hash")]
    public async Task UsernameFullOfSpecialCharactersSignsInAsExactlyThatPerson(string uid)
    {
        _directory.AddPerson(uid, "special-password", "staff");
        _directory.AddPerson("bystander1", "special-password", "admins");

        var user = await SignInAsync(uid, "special-password");

        Assert.Equal((uid, "staff"), (user.Username, user.Role));
    }

    [Fact]
    public async Task DirectoryCannotTakeOverALocalAccountOfTheSameName()
    {
        await grader.CreateLocalUserAsync("clash1", "the-local-password", UserRole.Student);
        _directory.AddPerson("clash1", "the-directory-password", "admins");

        var viaDirectory = await AuthFixture.SignInAsync(grader.Client(), "clash1", "the-directory-password");
        var local = await SignInAsync("clash1", "the-local-password");

        Assert.Equal(HttpStatusCode.Unauthorized, viaDirectory.StatusCode);
        Assert.Equal(("student", true), (local.Role, local.IsLocal));
    }

    private async Task<UserView> SignInAsync(string username, string password)
    {
        var response = await AuthFixture.SignInAsync(grader.Client(), username, password);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<SessionResponse>(GraderFixture.Json))!.User;
    }
}
