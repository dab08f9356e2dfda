using System.Globalization;
using System.Text;

namespace Grader.Web.Auth.Ldap;

/// <summary>Escapes text for the inside of one attribute value in a distinguished name (RFC 4514,
/// section 2.4), so that a username can never end its value, add an RDN or change the DN's shape:
/// <c>uid={username},ou=people</c> names one uid under ou=people whatever the user types.</summary>
public static class DnValueEscaper
{
    public static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                // The characters RFC 4514 requires escaping anywhere, plus '=' (allowed escaped, and it
                // keeps a value from ever reading as a second type=value pair to a lenient parser).
                case '"' or '+' or ',' or ';' or '<' or '>' or '\\' or '=':
                    escaped.Append('\\').Append(c);
                    break;
                // A value may not start with a space or '#', nor end with a space, unescaped.
                case ' ' when i == 0 || i == value.Length - 1:
                case '#' when i == 0:
                    escaped.Append('\\').Append(c);
                    break;
                // NUL must be escaped; other control characters are too, as hex, so nothing invisible
                // reaches the server or its logs.
                case < ' ' or '\u007f':
                    escaped.Append('\\').Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    break;
                default:
                    escaped.Append(c);
                    break;
            }
        }

        return escaped.ToString();
    }
}
