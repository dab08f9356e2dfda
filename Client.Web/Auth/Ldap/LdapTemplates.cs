using System.Text.RegularExpressions;

namespace Grader.Web.Auth.Ldap;

/// <summary>A source's bind DN and filter templates hold <c>{username}</c>, which becomes the escaped
/// username: DN-escaped in the bind DN, filter-escaped in the filter. The reference system filled
/// them with <c>str.format</c>, unescaped, which let a username rewrite the filter.</summary>
public static partial class LdapTemplates
{
    public const string Placeholder = "{username}";

    // Stands in for the placeholder while the template is parsed: legal inside a value, never in a
    // name, so a placeholder in the wrong place shows up as a parse error at its position. It has the
    // placeholder's length, so positions in messages are positions in the template.
    private static readonly string Marker = new('\uE000', Placeholder.Length);

    public static string BindDn(string template, string username) =>
        template.Replace(Placeholder, DnValueEscaper.Escape(username), StringComparison.Ordinal);

    public static string Filter(string template, string username) =>
        template.Replace(Placeholder, FilterValueEscaper.Escape(username), StringComparison.Ordinal);

    /// <returns>Null when the template is usable, else what is wrong with it.</returns>
    public static string? CheckBindDnTemplate(string? template) => CheckPlaceholders(template) ?? Parse(template!, dn =>
    {
        DistinguishedName.TryParse(dn, out _, out var error, out var position);
        return (error, position);
    });

    public static string? CheckFilterTemplate(string? template) => CheckPlaceholders(template) ?? Parse(template!, filter =>
    {
        var error = FilterSyntax.Check(filter, out var position);
        return (error, position);
    });

    private static string? CheckPlaceholders(string? template)
    {
        if (string.IsNullOrWhiteSpace(template))
        {
            return "is required";
        }

        var unknown = PlaceholderPattern().Matches(template).Select(m => m.Value).FirstOrDefault(p => p != Placeholder);
        if (unknown is not null)
        {
            return $"has an unknown placeholder {unknown}; the only placeholder is {Placeholder}";
        }

        return template.Contains(Placeholder, StringComparison.Ordinal) ? null : $"must contain {Placeholder}";
    }

    private static string? Parse(string template, Func<string, (string? Error, int Position)> parse)
    {
        var marked = template.Replace(Placeholder, Marker, StringComparison.Ordinal);
        var (error, position) = parse(marked);
        if (error is null)
        {
            return null;
        }

        return position >= 0 && position < marked.Length && marked[position] == Marker[0]
            ? $"{Placeholder} must stand inside a value, not in an attribute name or between parts"
            : "is not valid: " + error.Replace(Marker, Placeholder, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex PlaceholderPattern();
}
