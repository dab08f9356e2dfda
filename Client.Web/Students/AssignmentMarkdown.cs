using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Grader.Web.Students;

/// <summary>An assignment's description as HTML that cannot run anything: raw HTML in the Markdown is
/// shown as text, no extension that writes attributes is enabled, and a link or image whose address is
/// not http, https, mailto or relative (javascript:, data:, vbscript: ...) loses its address.</summary>
public static class AssignmentMarkdown
{
    public const string BlockedUrl = "#blocked";

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseReferralLinks("nofollow", "noopener", "noreferrer")
        .Build();

    private static readonly string[] SafeSchemes = ["http", "https", "mailto"];

    public static string ToHtml(string? markdown)
    {
        if (string.IsNullOrWhiteSpace(markdown))
        {
            return "";
        }

        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var link in document.Descendants<LinkInline>())
        {
            if (!IsSafe(link.Url))
            {
                link.Url = BlockedUrl;
            }
        }

        foreach (var autolink in document.Descendants<AutolinkInline>().Where(a => !a.IsEmail && !IsSafe(a.Url)))
        {
            autolink.Url = BlockedUrl;
        }

        return document.ToHtml(Pipeline);
    }

    /// <summary>Relative addresses and a few schemes pass. Browsers ignore control characters and spaces
    /// inside a scheme (<c>java&#9;script:</c>), so those are removed before looking at it.</summary>
    public static bool IsSafe(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return true;
        }

        var compact = new string(url.Where(c => !char.IsControl(c) && !char.IsWhiteSpace(c)).ToArray());
        var colon = compact.IndexOf(':', StringComparison.Ordinal);
        var firstDelimiter = compact.IndexOfAny(['/', '?', '#']);
        if (colon < 0 || (firstDelimiter >= 0 && firstDelimiter < colon))
        {
            return true;
        }

        return SafeSchemes.Contains(compact[..colon].ToLowerInvariant());
    }
}
