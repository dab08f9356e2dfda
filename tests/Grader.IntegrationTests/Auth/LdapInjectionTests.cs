using System.DirectoryServices.Protocols;
using Grader.Web.Auth.Accounts;
using Grader.Web.Auth.Ldap;

namespace Grader.IntegrationTests.Auth;

/// <summary>The reference system built its bind DN and filter with str.format(username=…). Here every
/// classic injection fails to sign in and, through our escaping, matches no entry at all.</summary>
[Collection(AuthCollection.Name)]
public sealed class LdapInjectionTests(AuthFixture grader) : IAsyncLifetime
{
    private const string SharedPassword = "everyone-has-this-password";
    private readonly string _run = $"inj-{LocalStack.RunId}-{Guid.NewGuid():N}"[..24];
    private TestDirectory _directory = null!;
    private AuthSourceRequest _source = null!;

    public static TheoryData<string> Attacks => new()
    {
        "*",
        "*)(uid=*",
        "admin)(|(uid=*",
        "admin)(uid=*",
        "*)(|(objectClass=*",
        "alice,ou=people",
        "alice,ou=admins",
        "admin,uid=alice",
        "uid=admin",
        "alice+uid=admin",
        "ad*",
        "\\2a",
        "admin\0",
    };

    public async Task InitializeAsync()
    {
        _directory = new TestDirectory(_run);
        // Everyone shares a password, so an injection that reached any entry would sign in.
        _directory.AddPerson("alice", SharedPassword, "students");
        _directory.AddPerson("admin", SharedPassword, "admins");
        _source = _directory.Source("Injection target");
        var admin = await grader.NewUserAsync($"admin-{_run}", UserRole.Admin);
        await grader.AddSourceAsync(admin, _source);
    }

    public async Task DisposeAsync()
    {
        await grader.RemoveSourcesAsync();
        _directory.Dispose();
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task InjectionAttemptFailsToSignInLikeAWrongPassword(string username)
    {
        var response = await AuthFixture.SignInAsync(grader.Client(), username, SharedPassword);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Invalid username or password.", await AuthFixture.ProblemDetailAsync(response));
        Assert.Null(await grader.Service<UserStore>().FindAsync("admin", CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public void InjectionAttemptMatchesNoEntryInTheFilterOrTheBindDn(string username)
    {
        var filter = LdapTemplates.Filter(_source.FilterTemplate!, username);
        var bindDn = LdapTemplates.BindDn(_source.BindDnTemplate!, username);

        Assert.Empty(_directory.Search(filter));
        // The bind DN is one uid RDN, holding exactly what was typed, directly under the people.
        var parsed = DistinguishedName.TryParse(bindDn);
        var people = DistinguishedName.TryParse(_directory.People)!;
        Assert.NotNull(parsed);
        Assert.Equal(people.Rdns.Count + 1, parsed.Rdns.Count);
        Assert.Equal(new DnAttribute("uid", username), Assert.Single(parsed.Rdns[0]));
        Assert.Equal(people.Rdns.SelectMany(r => r), parsed.Rdns.Skip(1).SelectMany(r => r));
        // Same filter shape, a real name: the search itself works.
        Assert.Single(_directory.Search(LdapTemplates.Filter(_source.FilterTemplate!, "admin")));
    }

    [Fact]
    public async Task EmptyPasswordNeverBindsEvenWhereTheServerWouldAllowIt()
    {
        // This directory accepts an unauthenticated bind (a DN with no password) as anonymous success.
        var endpoint = LdapEndpoint.Parse(_directory.Uri);
        using (var raw = new LdapConnection(new LdapDirectoryIdentifier($"{endpoint.Host}:{endpoint.Port}"),
            new NetworkCredential(_directory.PersonDn("admin"), ""), AuthType.Basic))
        {
            raw.SessionOptions.ProtocolVersion = 3;
            raw.Bind();
        }

        foreach (var password in new[] { "", null })
        {
            var response = await AuthFixture.SignInAsync(grader.Client(), "admin", password!);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task UnknownUserAndWrongPasswordGetTheSameAnswer()
    {
        var unknown = await AuthFixture.SignInAsync(grader.Client(), "nobody-" + _run, SharedPassword);
        var wrong = await AuthFixture.SignInAsync(grader.Client(), "alice", "not-" + SharedPassword);

        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(await AuthFixture.ProblemDetailAsync(unknown), await AuthFixture.ProblemDetailAsync(wrong));
        Assert.Equal(unknown.Headers.Select(h => h.Key).Order(), wrong.Headers.Select(h => h.Key).Order());
    }
}
