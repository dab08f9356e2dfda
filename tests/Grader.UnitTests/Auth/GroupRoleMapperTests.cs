using Grader.Web.Auth;
using Grader.Web.Auth.Ldap;

namespace Grader.UnitTests.Auth;

public class GroupRoleMapperTests
{
    private static readonly Dictionary<string, string> Map = new()
    {
        ["cn=students,ou=groups,dc=uni"] = "student",
        ["cn=Staff, ou=Groups, dc=uni"] = "staff",
        ["cn=admins,ou=groups,dc=uni"] = "admin",
    };

    [Theory]
    [InlineData(UserRole.Student)]
    [InlineData(UserRole.Student, "cn=students,ou=groups,dc=uni")]
    [InlineData(UserRole.Staff, "cn=staff,ou=groups,dc=uni")]
    [InlineData(UserRole.Staff, "cn=students,ou=groups,dc=uni", "CN=STAFF,OU=GROUPS,DC=UNI")]
    [InlineData(UserRole.Admin, "cn=staff,ou=groups,dc=uni", "cn=admins,ou=groups,dc=uni")]
    [InlineData(UserRole.Student, "cn=staff-alumni,ou=groups,dc=uni", "not a dn")]
    public void HighestMappedRoleWinsAndNoGroupMeansStudent(UserRole expected, params string[] groups) =>
        Assert.Equal(expected, GroupRoleMapper.RoleFor(groups, Map));
}
