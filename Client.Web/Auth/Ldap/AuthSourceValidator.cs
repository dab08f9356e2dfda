namespace Grader.Web.Auth.Ldap;

/// <summary>Checks a source when it is saved, so a typo in a template or URI is a clear 400 for the
/// admin instead of a sign-in failure for every student later.</summary>
public static class AuthSourceValidator
{
    public const int MaxNameLength = 100;

    /// <returns>Problems by field (empty when valid) and, when valid, the source as it will be stored.</returns>
    public static Dictionary<string, string[]> Validate(AuthSourceRequest request, int id, out AuthSource? source)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string? problem)
        {
            if (problem is not null)
            {
                (errors.TryGetValue(field, out var list) ? list : errors[field] = []).Add(problem);
            }
        }

        var name = request.Name?.Trim();
        Add("name", string.IsNullOrEmpty(name) ? "is required"
            : name.Length > MaxNameLength ? $"must be at most {MaxNameLength} characters" : null);

        Add("uri", LdapEndpoint.Check(request.Uri, out var endpoint));
        if (endpoint is { UseSsl: true } && request.StartTls)
        {
            Add("startTls", "is for ldap:// only; an ldaps:// connection is encrypted from the start");
        }

        Add("bindDnTemplate", LdapTemplates.CheckBindDnTemplate(request.BindDnTemplate));
        Add("filterTemplate", LdapTemplates.CheckFilterTemplate(request.FilterTemplate));
        DistinguishedName.TryParse(request.SearchBase, out _, out var baseError);
        Add("searchBase", baseError is null ? null : "is not a valid DN: " + baseError);

        var attributes = request.Attributes ?? new LdapAttributeMap();
        CheckAttribute(Add, "attributes.username", attributes.Username, required: true);
        CheckAttribute(Add, "attributes.email", attributes.Email, required: false);
        CheckAttribute(Add, "attributes.firstName", attributes.FirstName, required: false);
        CheckAttribute(Add, "attributes.lastName", attributes.LastName, required: false);
        CheckAttribute(Add, "attributes.groups", attributes.Groups, required: true);

        var groupMap = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (groupDn, roleName) in request.GroupMap ?? new Dictionary<string, string>())
        {
            var field = $"groupMap[{groupDn}]";
            if (!DistinguishedName.TryParse(groupDn, out var dn, out var dnError))
            {
                Add(field, "is not a valid group DN: " + dnError);
                continue;
            }

            if (seen.TryGetValue(dn!.Normalized, out var earlier))
            {
                Add(field, $"names the same group as '{earlier}'");
                continue;
            }

            seen[dn.Normalized] = groupDn;
            if (!UserRoles.TryParse(roleName, out var role))
            {
                Add(field, $"role '{roleName}' is unknown; expected {UserRoles.Allowed}");
                continue;
            }

            groupMap[groupDn.Trim()] = role.Name();
        }

        source = errors.Count > 0 ? null : new AuthSource(
            id,
            name!,
            endpoint!.ToString(),
            request.StartTls,
            request.BindDnTemplate!.Trim(),
            request.SearchBase!.Trim(),
            request.FilterTemplate!.Trim(),
            attributes with
            {
                Email = Blank(attributes.Email),
                FirstName = Blank(attributes.FirstName),
                LastName = Blank(attributes.LastName),
            },
            groupMap,
            request.IsActive,
            request.Order);
        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }

    private static void CheckAttribute(Action<string, string?> add, string field, string? name, bool required)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            add(field, required ? "is required" : null);
        }
        else if (!AttributeNames.IsValidType(name))
        {
            add(field, $"'{name}' is not an attribute name");
        }
    }

    private static string? Blank(string? attribute) => string.IsNullOrWhiteSpace(attribute) ? null : attribute;
}
