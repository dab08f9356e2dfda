using System.DirectoryServices.Protocols;
using Grader.Web.Auth.Ldap;

namespace Grader.IntegrationTests.Auth;

/// <summary>This test's own subtree of an OpenLDAP directory (ou=NAME,dc=grader,dc=test), with people,
/// and the groups students, staff and admins (groupOfNames, so slapd's memberOf overlay fills in the
/// people's memberOf). Removed again on dispose, so runs and tests never see each other's entries.</summary>
public sealed class TestDirectory : IDisposable
{
    public const string Suffix = "dc=grader,dc=test";
    public static readonly string[] Groups = ["students", "staff", "admins"];

    private readonly LdapConnection _admin;

    public TestDirectory(string name, string? uri = null, string? adminPassword = null)
    {
        Uri = uri ?? LocalStack.Get("GRADER_LDAP_URI");
        Base = $"ou={DnValueEscaper.Escape(name)},{Suffix}";
        var endpoint = LdapEndpoint.Parse(Uri);
        _admin = new LdapConnection(new LdapDirectoryIdentifier($"{endpoint.Host}:{endpoint.Port}"),
            new NetworkCredential(LocalStack.Get("GRADER_LDAP_ADMIN_DN"), adminPassword ?? LocalStack.Get("GRADER_LDAP_ADMIN_PASSWORD")), AuthType.Basic);
        _admin.SessionOptions.ProtocolVersion = 3;
        _admin.Timeout = TimeSpan.FromSeconds(10);
        _admin.Bind();

        Delete(Base);
        Add(Base, ("objectClass", ["organizationalUnit"]), ("ou", [name]));
        Add(People, ("objectClass", ["organizationalUnit"]), ("ou", ["people"]));
        Add($"ou=groups,{Base}", ("objectClass", ["organizationalUnit"]), ("ou", ["groups"]));
        foreach (var group in Groups)
        {
            // groupOfNames needs a member; a placeholder lets a group lose its last real one.
            Add(GroupDn(group), ("objectClass", ["groupOfNames"]), ("cn", [group]), ("member", [$"cn=placeholder,{Base}"]));
        }
    }

    public string Uri { get; }

    public string Base { get; }

    public string People => $"ou=people,{Base}";

    public string GroupDn(string group) => $"cn={group},ou=groups,{Base}";

    public string PersonDn(string uid) => $"uid={DnValueEscaper.Escape(uid)},{People}";

    /// <summary>A source for this subtree, as an admin would describe it.</summary>
    public AuthSourceRequest Source(string name, int order = 0, string? uri = null) => new(
        name,
        uri ?? Uri,
        false,
        $"uid={{username}},{People}",
        People,
        "(&(objectClass=inetOrgPerson)(uid={username}))",
        new LdapAttributeMap(),
        new Dictionary<string, string>
        {
            [GroupDn("students")] = "student",
            [GroupDn("staff")] = "staff",
            [GroupDn("admins")] = "admin",
        },
        IsActive: true,
        Order: order);

    public void AddPerson(string uid, string password, params string[] groups)
    {
        Add(PersonDn(uid),
            ("objectClass", ["inetOrgPerson"]),
            ("uid", [uid]),
            ("cn", [$"Given {uid}"]),
            ("givenName", ["Given"]),
            ("sn", [$"Family-{uid}"]),
            ("mail", [$"{uid}@uni.test"]),
            ("userPassword", [password]));
        foreach (var group in groups)
        {
            AddToGroup(uid, group);
        }
    }

    public void AddToGroup(string uid, string group) =>
        _admin.SendRequest(new ModifyRequest(GroupDn(group), DirectoryAttributeOperation.Add, "member", PersonDn(uid)));

    public void RemoveFromGroup(string uid, string group) =>
        _admin.SendRequest(new ModifyRequest(GroupDn(group), DirectoryAttributeOperation.Delete, "member", PersonDn(uid)));

    /// <summary>Searches as the directory's admin, to see what a filter matches.</summary>
    public IReadOnlyList<string> Search(string filter) =>
        ((SearchResponse)_admin.SendRequest(new SearchRequest(Base, filter, SearchScope.Subtree, "uid")))
            .Entries.Cast<SearchResultEntry>().Select(e => e.DistinguishedName).ToList();

    /// <summary>Removes the subtree; a directory a test has already stopped keeps it.</summary>
    public void Dispose()
    {
        try
        {
            Delete(Base);
        }
        catch (LdapException)
        {
            // The server is gone: nothing to clean up there.
        }
        finally
        {
            _admin.Dispose();
        }
    }

    private void Add(string dn, params (string Name, string[] Values)[] attributes)
    {
        var request = new AddRequest(dn);
        foreach (var (name, values) in attributes)
        {
            request.Attributes.Add(new DirectoryAttribute(name, values.Cast<object>().ToArray()));
        }

        _admin.SendRequest(request);
    }

    /// <summary>Deletes a subtree, deepest entries first (slapd has no tree-delete control by default).</summary>
    private void Delete(string dn)
    {
        SearchResponse found;
        try
        {
            found = (SearchResponse)_admin.SendRequest(new SearchRequest(dn, "(objectClass=*)", SearchScope.Subtree, "1.1"));
        }
        catch (DirectoryOperationException e) when (e.Response?.ResultCode == ResultCode.NoSuchObject)
        {
            return;
        }

        foreach (var entry in found.Entries.Cast<SearchResultEntry>().OrderByDescending(e => e.DistinguishedName.Count(c => c == ',')))
        {
            _admin.SendRequest(new DeleteRequest(entry.DistinguishedName));
        }
    }
}
