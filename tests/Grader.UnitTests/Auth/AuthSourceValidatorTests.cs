using Grader.Web.Auth.Ldap;

namespace Grader.UnitTests.Auth;

public class AuthSourceValidatorTests
{
    private static readonly AuthSourceRequest Good = new(
        "University", "ldap://ldap.uni.edu", false,
        "uid={username},ou=people,dc=uni,dc=edu", "ou=people,dc=uni,dc=edu", "(uid={username})",
        new LdapAttributeMap(), new Dictionary<string, string> { ["cn=staff,ou=groups,dc=uni,dc=edu"] = "Staff" });

    [Fact]
    public void GoodSourceIsNormalizedForStorage()
    {
        var errors = AuthSourceValidator.Validate(Good with { Name = " University " }, 7, out var source);

        Assert.Empty(errors);
        Assert.Equal(7, source!.Id);
        Assert.Equal("University", source.Name);
        Assert.Equal("ldap://ldap.uni.edu:389", source.Uri);
        Assert.Equal("staff", source.GroupMap["cn=staff,ou=groups,dc=uni,dc=edu"]);
    }

    [Theory]
    [InlineData("ldaps://ldap.uni.edu", "ldaps://ldap.uni.edu:636")]
    [InlineData("ldap://127.0.0.1:55389", "ldap://127.0.0.1:55389")]
    [InlineData("LDAP://Ldap.Uni.Edu:1389/", "ldap://ldap.uni.edu:1389")]
    public void UrisGetAnExplicitPort(string uri, string stored)
    {
        AuthSourceValidator.Validate(Good with { Uri = uri }, 1, out var source);

        Assert.Equal(stored, source!.Uri);
    }

    [Theory]
    [InlineData("uri", "http://ldap.uni.edu")]
    [InlineData("uri", "ldap://")]
    [InlineData("uri", "ldap://ldap.uni.edu/dc=uni,dc=edu")]
    [InlineData("uri", "ldap://user@ldap.uni.edu")]
    [InlineData("uri", "ldap.uni.edu")]
    [InlineData("uri", null)]
    [InlineData("name", null)]
    public void BadFieldIsNamed(string field, string? value)
    {
        var request = field == "uri" ? Good with { Uri = value } : Good with { Name = value };

        var errors = AuthSourceValidator.Validate(request, 1, out var source);

        Assert.Null(source);
        Assert.Equal(field, Assert.Single(errors).Key);
    }

    [Fact]
    public void StartTlsOnLdapsIsRefused()
    {
        var errors = AuthSourceValidator.Validate(Good with { Uri = "ldaps://ldap.uni.edu", StartTls = true }, 1, out _);

        Assert.Contains("ldap:// only", Assert.Single(errors["startTls"]));
    }

    [Fact]
    public void UnknownRoleAndBadGroupDnAreNamedWithTheirGroup()
    {
        var errors = AuthSourceValidator.Validate(Good with
        {
            GroupMap = new Dictionary<string, string> { ["cn=teachers,dc=uni"] = "teacher", ["cn=x,,dc=uni"] = "staff" },
        }, 1, out _);

        Assert.Equal("role 'teacher' is unknown; expected student, staff or admin", Assert.Single(errors["groupMap[cn=teachers,dc=uni]"]));
        Assert.StartsWith("is not a valid group DN", Assert.Single(errors["groupMap[cn=x,,dc=uni]"]));
    }

    [Fact]
    public void OneGroupSpelledTwiceIsRefused()
    {
        var errors = AuthSourceValidator.Validate(Good with
        {
            GroupMap = new Dictionary<string, string> { ["cn=staff,dc=uni"] = "staff", ["CN=Staff, DC=uni"] = "admin" },
        }, 1, out _);

        Assert.Contains("names the same group", Assert.Single(errors).Value.Single());
    }

    [Fact]
    public void EveryBrokenFieldIsReportedAtOnce()
    {
        var errors = AuthSourceValidator.Validate(new AuthSourceRequest(null, null, false, "uid=x", "", "uid={username}",
            new LdapAttributeMap(Username: "", Groups: "member of"), null), 1, out _);

        Assert.Equal(
            ["attributes.groups", "attributes.username", "bindDnTemplate", "filterTemplate", "name", "searchBase", "uri"],
            errors.Keys.Order(StringComparer.Ordinal));
    }
}
