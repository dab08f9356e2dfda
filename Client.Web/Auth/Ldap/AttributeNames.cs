namespace Grader.Web.Auth.Ldap;

/// <summary>LDAP attribute type names (RFC 4512): a descriptor such as <c>memberOf</c>, or a numeric OID.</summary>
public static class AttributeNames
{
    public static bool IsValidType(string? name) =>
        !string.IsNullOrEmpty(name) && (IsDescriptor(name) || IsNumericOid(name));

    private static bool IsDescriptor(string name) =>
        char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private static bool IsNumericOid(string name) =>
        name.Split('.').All(part => part.Length > 0 && part.All(char.IsAsciiDigit) && (part.Length == 1 || part[0] != '0'));
}
