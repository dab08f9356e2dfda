using System.Security.Cryptography;
using System.Text;

namespace Grader.Web.Auth.Tokens;

/// <summary>API tokens are 256 random bits with a recognisable prefix (so secret scanners and people
/// can tell what leaked). Only their SHA-256 is stored: with that much entropy a fast hash is enough,
/// and a database dump yields no usable token.</summary>
public static class ApiTokenSecret
{
    public const string Prefix = "grader_";

    public static string Generate() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>Reads <c>Authorization: Bearer …</c>.</summary>
    public static bool TryRead(HttpRequest request, out string token)
    {
        token = "";
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        token = header["Bearer ".Length..].Trim();
        return token.Length > 0;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
