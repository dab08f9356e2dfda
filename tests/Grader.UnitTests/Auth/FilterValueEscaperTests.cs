using Grader.Web.Auth.Ldap;

namespace Grader.UnitTests.Auth;

public class FilterValueEscaperTests
{
    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("*", @"\2a")]
    [InlineData("*)(uid=*", @"\2a\29\28uid=\2a")]
    [InlineData("admin)(|(uid=*", @"admin\29\28|\28uid=\2a")]
    [InlineData(@"back\slash", @"back\5cslash")]
    [InlineData("nul\0", @"nul\00")]
    [InlineData("tab\t", @"tab\09")]
    [InlineData("a,b=c", "a,b=c")]
    [InlineData("jürgen", "jürgen")]
    public void EscapesWhatRfc4515Requires(string value, string expected) =>
        Assert.Equal(expected, FilterValueEscaper.Escape(value));

    [Theory]
    [InlineData("*")]
    [InlineData("*)(uid=*")]
    [InlineData("admin)(|(uid=*")]
    [InlineData("x)(objectClass=*))(|(uid=y")]
    [InlineData(@"\2a")]
    public void InjectionAttemptsStayOneEqualityAssertion(string username)
    {
        var filter = LdapTemplates.Filter("(&(objectClass=person)(uid={username}))", username);

        Assert.Null(FilterSyntax.Check(filter));
        // The and holds exactly two items; the escaped username adds none, and holds no wildcard.
        Assert.Equal(3, filter.Count(c => c == '('));
        Assert.DoesNotContain('*', filter);
    }
}
