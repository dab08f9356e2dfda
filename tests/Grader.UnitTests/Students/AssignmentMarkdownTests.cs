using Grader.Web.Students;

namespace Grader.UnitTests.Students;

public class AssignmentMarkdownTests
{
    [Fact]
    public void MarkdownBecomesHtml()
    {
        var html = AssignmentMarkdown.ToHtml("# Items API\n\nBuild **GET /v1/items**.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[Docs](https://example.org/docs)");

        Assert.Contains("<h1", html);
        Assert.Contains("<strong>GET /v1/items</strong>", html);
        Assert.Contains("<table>", html);
        Assert.Contains("href=\"https://example.org/docs\"", html);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("Hello <b onmouseover=\"alert(1)\">there</b>")]
    [InlineData("<div>\n<iframe src=\"https://evil.example\"></iframe>\n</div>")]
    public void RawHtmlIsShownAsTextNeverAsElements(string markdown)
    {
        var html = AssignmentMarkdown.ToHtml(markdown);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b ", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<iframe", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;", html);
    }

    [Theory]
    [InlineData("[x](javascript:alert(1))")]
    [InlineData("[x](JaVaScRiPt:alert(1))")]
    [InlineData("[x](java&#x09;script:alert(1))")]
    [InlineData("[x](vbscript:msgbox)")]
    [InlineData("![x](data:text/html;base64,PHNjcmlwdD4=)")]
    [InlineData("<javascript:alert(1)>")]
    [InlineData("[x][r]\n\n[r]: javascript:alert(1)")]
    public void LinksAndImagesWithUnsafeSchemesLoseTheirAddress(string markdown)
    {
        var html = AssignmentMarkdown.ToHtml(markdown);

        Assert.DoesNotContain("script:", html.Replace("&#x09;", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("data:", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(AssignmentMarkdown.BlockedUrl, html);
    }

    [Theory]
    [InlineData("/tasks", true)]
    [InlineData("docs/readme.md", true)]
    [InlineData("#part-2", true)]
    [InlineData("mailto:ta@uni.example", true)]
    [InlineData("https://example.org/a:b", true)]
    [InlineData("/path?x=javascript:1", true)]
    [InlineData(" javascript:alert(1)", false)]
    [InlineData("java\nscript:alert(1)", false)]
    [InlineData("file:///etc/passwd", false)]
    public void OnlyRelativeHttpAndMailtoAddressesAreSafe(string url, bool safe) => Assert.Equal(safe, AssignmentMarkdown.IsSafe(url));

    [Fact]
    public void NoDescriptionIsNoHtml() => Assert.Equal("", AssignmentMarkdown.ToHtml("  "));
}
