namespace Grader.Cli.Staff;

/// <summary>Which server and token a command uses: an option wins over its environment variable, which
/// wins over the config file <c>grader login</c> wrote.</summary>
public static class Connection
{
    public const string UrlVariable = "GRADER_URL";
    public const string TokenVariable = "GRADER_TOKEN";

    public static (Uri Url, string Token) Resolve(string? urlOption, string? tokenOption, Func<string, string?> environment, Func<StoredLogin?> stored)
    {
        var url = NonEmpty(urlOption) ?? NonEmpty(environment(UrlVariable));
        var token = NonEmpty(tokenOption) ?? NonEmpty(environment(TokenVariable));
        if (url is null || token is null)
        {
            // Read only when needed: with both given, a broken config file does not matter.
            var login = stored();
            url ??= login?.Url.AbsoluteUri;
            token ??= login?.Token;
        }

        if (url is null)
        {
            throw new CliException(ExitCodes.NotSignedIn, $"not signed in: run grader login --url URL, or pass --url and --token (or set {UrlVariable} and {TokenVariable})");
        }

        if (token is null)
        {
            throw new CliException(ExitCodes.NotSignedIn, $"no API token: run grader login --url {url}, or pass --token (or set {TokenVariable})");
        }

        return (ParseUrl(url), token);
    }

    /// <summary>An http(s) address, with a trailing slash so relative API paths resolve under it.</summary>
    public static Uri ParseUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new CliException(ExitCodes.Usage, $"'{text}' is not an http:// or https:// address");
        }

        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
