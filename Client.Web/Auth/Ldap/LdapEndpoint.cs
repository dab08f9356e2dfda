namespace Grader.Web.Auth.Ldap;

/// <summary>A source's server address, read from its URI.</summary>
public sealed record LdapEndpoint(string Host, int Port, bool UseSsl)
{
    public const int LdapPort = 389;
    public const int LdapsPort = 636;

    /// <returns>Null when the URI is usable, else what is wrong with it.</returns>
    public static string? Check(string? text, out LdapEndpoint? endpoint)
    {
        endpoint = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return "is required";
        }

        if (!System.Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("ldap" or "ldaps"))
        {
            return $"'{text}' must look like ldap://host[:port] or ldaps://host[:port]";
        }

        if (string.IsNullOrEmpty(uri.Host) || uri.UserInfo.Length > 0 || uri.AbsolutePath is not ("/" or "") || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            return $"'{text}' must name only a scheme, a host and an optional port (no user, path, query or fragment)";
        }

        var ssl = uri.Scheme == "ldaps";
        endpoint = new LdapEndpoint(uri.IdnHost, uri.IsDefaultPort || uri.Port < 0 ? (ssl ? LdapsPort : LdapPort) : uri.Port, ssl);
        return null;
    }

    public static LdapEndpoint Parse(string uri) =>
        Check(uri, out var endpoint) is { } error ? throw new FormatException("URI " + error) : endpoint!;

    public override string ToString() => $"{(UseSsl ? "ldaps" : "ldap")}://{Host}:{Port}";
}
