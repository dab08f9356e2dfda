namespace Grader.Web.Auth.Ldap;

/// <summary>Turns the groups a person belongs to (their memberOf values) into a role through a
/// source's group map. DNs are compared in normalized form, so "cn=Staff, ou=Groups" in the map
/// matches "cn=staff,ou=groups" from the server.</summary>
public static class GroupRoleMapper
{
    /// <returns>The highest role any of the groups maps to; a student when none does.</returns>
    public static UserRole RoleFor(IEnumerable<string> groupDns, IReadOnlyDictionary<string, string> groupMap)
    {
        var roles = new Dictionary<string, UserRole>(StringComparer.Ordinal);
        foreach (var (groupDn, roleName) in groupMap)
        {
            if (DistinguishedName.TryParse(groupDn) is { } dn && UserRoles.TryParse(roleName, out var role))
            {
                roles[dn.Normalized] = role;
            }
        }

        var best = UserRole.Student;
        foreach (var groupDn in groupDns)
        {
            if (DistinguishedName.TryParse(groupDn) is { } dn && roles.TryGetValue(dn.Normalized, out var role) && role > best)
            {
                best = role;
            }
        }

        return best;
    }
}
