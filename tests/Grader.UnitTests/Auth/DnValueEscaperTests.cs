using Grader.Web.Auth.Ldap;

namespace Grader.UnitTests.Auth;

public class DnValueEscaperTests
{
    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("o'brien", "o'brien")]
    [InlineData("alice,ou=admins", @"alice\,ou\=admins")]
    [InlineData("a+cn=b", @"a\+cn\=b")]
    [InlineData("x\"y;z<w>v", @"x\""y\;z\<w\>v")]
    [InlineData(@"back\slash", @"back\\slash")]
    [InlineData("#hash", @"\#hash")]
    [InlineData("mid#hash", "mid#hash")]
    [InlineData(" padded ", @"\ padded\ ")]
    [InlineData("in side", "in side")]
    [InlineData("nul\0byte", @"nul\00byte")]
    [InlineData("new\nline", @"new\0aline")]
    [InlineData("*)(uid=*", @"*)(uid\=*")]
    [InlineData("jürgen", "jürgen")]
    public void EscapesWhatRfc4514Requires(string value, string expected) =>
        Assert.Equal(expected, DnValueEscaper.Escape(value));

    [Theory]
    [InlineData("alice,ou=admins")]
    [InlineData("x+uid=root")]
    [InlineData(" #*)(|(uid=*\\")]
    [InlineData("\"quoted\" <tag>; more")]
    [InlineData("trailing ")]
    public void EscapedValueStaysOneValueOfOneRdn(string username)
    {
        var dn = DistinguishedName.TryParse(LdapTemplates.BindDn("uid={username},ou=people,dc=uni,dc=edu", username));

        Assert.NotNull(dn);
        Assert.Equal(4, dn.Rdns.Count);
        var uid = Assert.Single(dn.Rdns[0]);
        Assert.Equal(("uid", username), (uid.Type, uid.Value));
    }
}
