using System.DirectoryServices.Protocols;
using System.Net;
using Grader.Web.Auth.Accounts;
using Microsoft.Extensions.Options;

namespace Grader.Web.Auth.Ldap;

/// <summary>Signs a person in against one source: bind as the templated DN with their password, then
/// read their entry (found by the templated filter) for profile and groups, as that person.</summary>
public sealed class LdapDirectoryClient
{
    // LDAP result codes (RFC 4511) that mean "these credentials are not accepted", as opposed to
    // "the server cannot be asked": invalidDNSyntax (34), inappropriateAuthentication (48),
    // invalidCredentials (49), insufficientAccessRights (50), unwillingToPerform (53).
    private static readonly HashSet<int> RefusedCodes = [34, 48, 49, 50, 53];

    private readonly AuthOptions _options;

    public LdapDirectoryClient(IOptions<AuthOptions> options)
    {
        _options = options.Value;
        NativeTimeoutProblem = LdapNativeTimeouts.Apply(_options.LdapConnectTimeout, _options.LdapOperationTimeout);
    }

    /// <summary>Why the library's own timeouts could not be set, or null; sign-in then relies on its
    /// outer deadline alone (see LdapAuthenticator).</summary>
    public string? NativeTimeoutProblem { get; }

    /// <summary>Blocking: the library is synchronous. The caller runs it off the request thread.</summary>
    /// <param name="trace">Records each step for an admin's test of the source; null at sign-in.</param>
    public LdapSignInOutcome SignIn(AuthSource source, string username, string password, LdapTrace? trace = null)
    {
        // An empty password is an "unauthenticated bind" (RFC 4513 5.1.2): servers that allow it
        // answer success without checking anything. It must never reach a server.
        if (password.Length == 0 || username.Length == 0)
        {
            trace?.Add("user bind", false, "not tried: an empty username or password is never sent (it would be an unauthenticated bind)");
            return new LdapSignInOutcome.Rejected();
        }

        var endpoint = LdapEndpoint.Parse(source.Uri);
        var bindDn = LdapTemplates.BindDn(source.BindDnTemplate, username);
        trace?.Add("bind DN", true, bindDn);
        // "host:port" as one server string: the library then uses it as given (IPv6 literals included).
        using var connection = new LdapConnection(
            new LdapDirectoryIdentifier($"{endpoint.Host}:{endpoint.Port}"),
            new NetworkCredential(bindDn, password),
            AuthType.Basic);
        connection.AutoBind = false;
        connection.Timeout = _options.LdapOperationTimeout;
        connection.SessionOptions.ProtocolVersion = 3;
        connection.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
        connection.SessionOptions.SecureSocketLayer = endpoint.UseSsl;

        try
        {
            if (source.StartTls)
            {
                connection.SessionOptions.StartTransportLayerSecurity(null);
            }

            connection.Bind();
        }
        catch (LdapException e) when (RefusedCodes.Contains(e.ErrorCode))
        {
            trace?.Add("connect", true, $"{endpoint.Host}:{endpoint.Port}");
            trace?.Add("user bind", false, $"refused (code {e.ErrorCode}): {e.ServerErrorMessage ?? e.Message.Trim()}");
            return new LdapSignInOutcome.Rejected();
        }
        catch (DirectoryOperationException e)
        {
            // Raised for a bind the server answered with an error (e.g. a DN it cannot parse).
            trace?.Add("connect", true, $"{endpoint.Host}:{endpoint.Port}");
            trace?.Add("user bind", false, $"refused: {e.Response?.ErrorMessage ?? e.Message.Trim()}");
            return new LdapSignInOutcome.Rejected();
        }
        catch (Exception e) when (e is LdapException or TlsOperationException or DirectoryException or InvalidOperationException)
        {
            trace?.Add("connect", false, $"{endpoint.Host}:{endpoint.Port}{(source.StartTls ? " with StartTLS" : "")}: {e.Message.Trim()}");
            return new LdapSignInOutcome.Unavailable(e.Message.Trim());
        }

        trace?.Add("connect", true, $"{endpoint.Host}:{endpoint.Port}{(endpoint.UseSsl ? " over TLS" : source.StartTls ? " with StartTLS" : "")}");
        trace?.Add("user bind", true, $"bound as {bindDn}");
        return Traced(ReadEntry(connection, source, username, bindDn, trace), trace);
    }

    private static LdapSignInOutcome Traced(LdapSignInOutcome outcome, LdapTrace? trace)
    {
        switch (outcome)
        {
            case LdapSignInOutcome.Misconfigured wrong:
                trace?.Add("user DN found", false, wrong.Reason);
                break;
            case LdapSignInOutcome.Unavailable down:
                trace?.Add("search", false, down.Reason);
                break;
        }

        return outcome;
    }

    private LdapSignInOutcome ReadEntry(LdapConnection connection, AuthSource source, string username, string bindDn, LdapTrace? trace)
    {
        var map = source.Attributes;
        var attributes = new[] { map.Username, map.Email, map.FirstName, map.LastName, map.Groups }
            .OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        var request = new SearchRequest(source.SearchBase, LdapTemplates.Filter(source.FilterTemplate, username), SearchScope.Subtree, attributes)
        {
            // Two are enough to tell "exactly one" from "more than one".
            SizeLimit = 2,
            TimeLimit = _options.LdapOperationTimeout,
        };

        trace?.Add("search filter", true, $"{request.Filter} under {source.SearchBase}");
        SearchResponse response;
        try
        {
            response = (SearchResponse)connection.SendRequest(request, _options.LdapOperationTimeout);
        }
        catch (DirectoryOperationException e) when (e.Response?.ResultCode == ResultCode.SizeLimitExceeded)
        {
            return new LdapSignInOutcome.Misconfigured("the filter matches more than one entry");
        }
        catch (DirectoryOperationException e) when (e.Response?.ResultCode == ResultCode.NoSuchObject)
        {
            return new LdapSignInOutcome.Misconfigured($"the search base '{source.SearchBase}' does not exist");
        }
        catch (Exception e) when (e is LdapException or DirectoryException)
        {
            return new LdapSignInOutcome.Unavailable(e.Message.Trim());
        }

        if (response.Entries.Count != 1)
        {
            return new LdapSignInOutcome.Misconfigured(response.Entries.Count == 0
                ? "the filter finds no entry under the search base"
                : "the filter matches more than one entry");
        }

        // The profile and groups must be the bound person's own: a filter that finds some other entry
        // would otherwise hand out that entry's roles.
        var entry = response.Entries[0];
        if (DistinguishedName.TryParse(entry.DistinguishedName)?.Normalized != DistinguishedName.TryParse(bindDn)?.Normalized)
        {
            return new LdapSignInOutcome.Misconfigured($"the filter finds '{entry.DistinguishedName}', not the entry bound as");
        }

        trace?.Add("user DN found", true, entry.DistinguishedName);
        var canonical = First(entry, map.Username) ?? username;
        var groups = All(entry, map.Groups).ToList();
        var profile = new DirectoryProfile(
            UserStore.Normalize(canonical),
            First(entry, map.Email),
            First(entry, map.FirstName),
            First(entry, map.LastName),
            GroupRoleMapper.RoleFor(groups, source.GroupMap));
        trace?.Add("attributes mapped", true,
            $"username {profile.Username}, email {profile.Email ?? "(none)"}, name {profile.FirstName ?? "?"} {profile.LastName ?? "?"}");
        trace?.Add("groups mapped", true,
            $"{groups.Count} group(s){(groups.Count > 0 ? ": " + string.Join("; ", groups) : "")} → role {profile.Role.Name()}");
        return new LdapSignInOutcome.Accepted(profile);
    }

    private static string? First(SearchResultEntry entry, string? attribute) =>
        attribute is null ? null : All(entry, attribute).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    private static IEnumerable<string> All(SearchResultEntry entry, string attribute)
    {
        foreach (DirectoryAttribute found in entry.Attributes.Values)
        {
            if (string.Equals(found.Name, attribute, StringComparison.OrdinalIgnoreCase))
            {
                return found.GetValues(typeof(string)).Cast<string>().ToList();
            }
        }

        return [];
    }
}
