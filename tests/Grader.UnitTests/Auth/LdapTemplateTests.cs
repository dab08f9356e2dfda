using Grader.Web.Auth.Ldap;

namespace Grader.UnitTests.Auth;

public class LdapTemplateTests
{
    [Theory]
    [InlineData("uid={username},ou=people,dc=uni,dc=edu")]
    [InlineData("cn=student-{username}, ou=People, dc=uni, dc=edu")]
    [InlineData("uid={username}+employeeNumber=1,dc=x")]
    public void GoodBindDnTemplatesPass(string template) => Assert.Null(LdapTemplates.CheckBindDnTemplate(template));

    [Theory]
    [InlineData("", "is required")]
    [InlineData("uid=alice,dc=uni", "must contain {username}")]
    [InlineData("uid={user},dc=uni", "unknown placeholder {user}")]
    [InlineData("{username}=x,dc=uni", "{username} must stand inside a value")]
    [InlineData("uid={username},,dc=uni", "expected an attribute type")]
    [InlineData("uid={username},dc", "expected '=' after 'dc'")]
    [InlineData("uid={username};dc=x", "';' must be escaped")]
    [InlineData(@"uid={username},dc=\zz", "must be followed by a special character or two hex digits")]
    [InlineData("uid=,dc=x{username}", "an attribute value is empty")]
    public void BadBindDnTemplatesSayWhatIsWrong(string template, string problem) =>
        Assert.Contains(problem, LdapTemplates.CheckBindDnTemplate(template));

    [Theory]
    [InlineData("(uid={username})")]
    [InlineData("(&(objectClass=inetOrgPerson)(|(uid={username})(mail={username}@uni.edu)))")]
    [InlineData("(&(objectClass=person) (uid={username}) (!(nsAccountLock=TRUE)))")]
    [InlineData("(cn=*{username}*)")]
    [InlineData(@"(&(uid={username})(description=a\2ab))")]
    [InlineData("(uid:caseExactMatch:={username})")]
    [InlineData("(cn;lang-en>={username})")]
    public void GoodFilterTemplatesPass(string template) => Assert.Null(LdapTemplates.CheckFilterTemplate(template));

    [Theory]
    [InlineData("uid={username}", "must be enclosed in parentheses")]
    [InlineData("(uid={username}", "expected ')'")]
    [InlineData("(uid={username}))", "unexpected text after")]
    [InlineData("(&(uid={username})(objectClass=person)", "expected ')'")]
    [InlineData("({username}=x)", "{username} must stand inside a value")]
    [InlineData("(uid={username})(cn=x)", "unexpected text after")]
    [InlineData("(|(&)(uid={username}))", "needs at least one filter")]
    [InlineData("(uid=a(b{username})", "'(' must be escaped")]
    [InlineData(@"(uid={username}\)", "two hex digits")]
    [InlineData("(uid~=*{username})", "only allowed after '='")]
    [InlineData("(objectClass=person)", "must contain {username}")]
    [InlineData("(uid={login})", "unknown placeholder {login}")]
    public void BadFilterTemplatesSayWhatIsWrong(string template, string problem) =>
        Assert.Contains(problem, LdapTemplates.CheckFilterTemplate(template));

    [Fact]
    public void EveryPlaceholderIsReplacedWithItsOwnEscaping()
    {
        Assert.Equal(@"uid=a\,b,ou=x", LdapTemplates.BindDn("uid={username},ou=x", "a,b"));
        Assert.Equal(@"(|(uid=a\2a)(mail=a\2a@x))", LdapTemplates.Filter("(|(uid={username})(mail={username}@x))", "a*"));
    }
}
