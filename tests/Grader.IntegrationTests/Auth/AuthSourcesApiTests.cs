using Grader.Web.Auth.Ldap;

namespace Grader.IntegrationTests.Auth;

/// <summary>Admins manage sources through the API; a broken source is refused when it is saved.</summary>
[Collection(AuthCollection.Name)]
public sealed class AuthSourcesApiTests(AuthFixture grader) : IAsyncLifetime
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private HttpClient _admin = null!;

    private AuthSourceRequest Good => new(
        $"Faculty {_run}", "ldap://ldap.uni.test", false, "uid={username},ou=people,dc=uni,dc=test", "ou=people,dc=uni,dc=test",
        "(uid={username})", new LdapAttributeMap(), new Dictionary<string, string> { ["cn=staff,ou=groups,dc=uni,dc=test"] = "staff" });

    public async Task InitializeAsync() => _admin = await grader.NewUserAsync($"srcadmin-{_run}", UserRole.Admin);

    public Task DisposeAsync() => grader.RemoveSourcesAsync();

    [Fact]
    public async Task SourceIsCreatedListedChangedAndDeleted()
    {
        var created = await grader.AddSourceAsync(_admin, Good);

        var listed = await _admin.GetFromJsonAsync<List<AuthSource>>("/api/admin/auth-sources", GraderFixture.Json);
        var changed = await _admin.PutAsJsonAsync($"/api/admin/auth-sources/{created.Id}", Good with { IsActive = false, Order = 7 }, GraderFixture.Json);
        var fetched = await _admin.GetFromJsonAsync<AuthSource>($"/api/admin/auth-sources/{created.Id}", GraderFixture.Json);
        var deleted = await _admin.DeleteAsync($"/api/admin/auth-sources/{created.Id}");

        Assert.Contains(listed!, s => s.Id == created.Id && s.Uri == "ldap://ldap.uni.test:389");
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal((false, 7), (fetched!.IsActive, fetched.Order));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync($"/api/admin/auth-sources/{created.Id}")).StatusCode);
    }

    [Fact]
    public async Task BrokenSourceIsA400NamingEachBadField()
    {
        var response = await _admin.PostAsJsonAsync("/api/admin/auth-sources", Good with
        {
            Uri = "http://ldap.uni.test",
            BindDnTemplate = "uid={user},ou=people",
            FilterTemplate = "(uid={username}",
            GroupMap = new Dictionary<string, string> { ["cn=staff,ou=groups,dc=uni,dc=test"] = "teacher" },
        }, GraderFixture.Json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = problem.RootElement.GetProperty("errors");
        Assert.Contains("ldap://", errors.GetProperty("uri")[0].GetString());
        Assert.Contains("unknown placeholder {user}", errors.GetProperty("bindDnTemplate")[0].GetString());
        Assert.Contains("expected ')'", errors.GetProperty("filterTemplate")[0].GetString());
        Assert.Contains("role 'teacher' is unknown", errors.GetProperty("groupMap[cn=staff,ou=groups,dc=uni,dc=test]")[0].GetString());
    }

    [Fact]
    public async Task TwoSourcesCannotShareAName()
    {
        await grader.AddSourceAsync(_admin, Good);

        var again = await _admin.PostAsJsonAsync("/api/admin/auth-sources", Good, GraderFixture.Json);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task AdminCreatesALocalAccountThatSignsIn()
    {
        var created = await _admin.PostAsJsonAsync("/api/admin/users", new { username = $"Local-{_run}", password = "a-long-enough-password", role = "staff" });
        var tooShort = await _admin.PostAsJsonAsync("/api/admin/users", new { username = $"short-{_run}", password = "short", role = "staff" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await AuthFixture.SignInAsync(grader.Client(), $"local-{_run}", "a-long-enough-password")).StatusCode);
    }
}
