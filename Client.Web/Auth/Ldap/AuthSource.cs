namespace Grader.Web.Auth.Ldap;

/// <summary>Which attributes of a person's entry hold their profile and groups.</summary>
public sealed record LdapAttributeMap(
    string Username = "uid",
    string? Email = "mail",
    string? FirstName = "givenName",
    string? LastName = "sn",
    string Groups = "memberOf");

/// <summary>An LDAP directory users sign in against, as admins configure it (the reference system's
/// AuthSource). Active sources are tried by ascending <see cref="Order"/>; the first that accepts the
/// username and password signs the user in.</summary>
/// <param name="Uri">ldap://host[:port] or ldaps://host[:port].</param>
/// <param name="StartTls">Upgrade an ldap:// connection with StartTLS before binding.</param>
/// <param name="BindDnTemplate">The DN to bind as, with {username}, e.g. uid={username},ou=people,dc=uni,dc=edu.</param>
/// <param name="SearchBase">Where the person's entry is searched for after the bind.</param>
/// <param name="FilterTemplate">Finds the person's entry, with {username}, e.g. (&amp;(objectClass=person)(uid={username})).</param>
/// <param name="GroupMap">Group DN → student, staff or admin. A member of several groups gets the highest
/// of their roles; a person in none of them is a student.</param>
public sealed record AuthSource(
    int Id,
    string Name,
    string Uri,
    bool StartTls,
    string BindDnTemplate,
    string SearchBase,
    string FilterTemplate,
    LdapAttributeMap Attributes,
    IReadOnlyDictionary<string, string> GroupMap,
    bool IsActive,
    int Order);

/// <summary>What an admin sends to create or replace a source. Everything is optional here so that a
/// missing field gets a validation message naming it rather than a bare 400.</summary>
public sealed record AuthSourceRequest(
    string? Name,
    string? Uri,
    bool StartTls,
    string? BindDnTemplate,
    string? SearchBase,
    string? FilterTemplate,
    LdapAttributeMap? Attributes,
    IReadOnlyDictionary<string, string>? GroupMap,
    bool IsActive = true,
    int Order = 0);
