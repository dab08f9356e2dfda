using Grader.Web.Auth.Ldap;

namespace Grader.UnitTests.Auth;

public class DistinguishedNameTests
{
    [Theory]
    [InlineData("cn=Staff,ou=Groups,dc=uni,dc=edu", "CN=staff, OU=groups, DC=UNI, DC=edu")]
    [InlineData(@"cn=a\,b,dc=x", @"cn=a\2Cb,dc=x")]
    [InlineData("cn=x+uid=y,dc=z", "uid=y+cn=x,dc=z")]
    [InlineData(@"cn=J\C3\BCrgen,dc=x", "cn=Jürgen,dc=x")]
    public void SpellingsOfOneEntryNormalizeAlike(string a, string b) =>
        Assert.Equal(DistinguishedName.TryParse(a)!.Normalized, DistinguishedName.TryParse(b)!.Normalized);

    [Theory]
    [InlineData("cn=staff,dc=x", "cn=staff2,dc=x")]
    [InlineData(@"cn=a\,b,dc=x", "cn=a,b=,dc=x")]
    [InlineData(@"cn=\ a,dc=x", "cn=a,dc=x")]
    public void DifferentEntriesStayDifferent(string a, string b) =>
        Assert.NotEqual(DistinguishedName.TryParse(a)?.Normalized, DistinguishedName.TryParse(b)?.Normalized);

    [Theory]
    [InlineData("")]
    [InlineData("dc")]
    [InlineData("=x")]
    [InlineData("cn=,dc=x")]
    [InlineData("cn=a,")]
    [InlineData("1cn=a")]
    [InlineData("cn=a<b")]
    [InlineData(@"cn=\FF,dc=x")]
    [InlineData("cn=#12g")]
    public void MalformedDnsAreRejected(string text) =>
        Assert.False(DistinguishedName.TryParse(text, out _, out var error), $"accepted, error {error}");

    [Fact]
    public void ValuesAreUnescapedAndHexValuesKept()
    {
        var dn = DistinguishedName.TryParse(@"uid=a\2Cb\ ,cn=#04024869,dc=x")!;

        Assert.Equal("a,b ", dn.Rdns[0][0].Value);
        Assert.Equal("#04024869", dn.Rdns[1][0].Value);
    }
}
