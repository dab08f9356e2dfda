using System.Globalization;
using System.Text;

namespace Grader.Web.Auth.Ldap;

/// <summary>Escapes text for an assertion value in a search filter (RFC 4515, section 3), so that a
/// username is compared literally: <c>*</c> is a star, not "any", and parentheses cannot close the
/// filter and open another. <c>(uid={username})</c> then matches that uid and nothing else.</summary>
public static class FilterValueEscaper
{
    public static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            // RFC 4515 requires escaping these five; control characters are escaped too, so nothing
            // invisible reaches the server or its logs.
            if (c is '*' or '(' or ')' or '\\' or < ' ' or '\u007f')
            {
                escaped.Append('\\').Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }
}
