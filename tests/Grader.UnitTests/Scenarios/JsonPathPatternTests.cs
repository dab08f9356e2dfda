namespace Grader.UnitTests.Scenarios;

public class JsonPathPatternTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void EmptyPathIsRejected(string text)
    {
        var error = Assert.Throws<FormatException>(() => JsonPathPattern.Parse(text));

        Assert.Equal("A JSONPath must not be empty.", error.Message);
    }

    [Theory]
    [InlineData("$.a[", "'$.a[' is not a valid JSONPath: '[' without a closing ']'.")]
    [InlineData("$.a[0", "'$.a[0' is not a valid JSONPath: '[' without a closing ']'.")]
    [InlineData("$.a[-1]", "'$.a[-1]' is not a valid JSONPath: '[-1]' is neither an index, '*' nor a quoted name.")]
    [InlineData("$.a[x]", "'$.a[x]' is not a valid JSONPath: '[x]' is neither an index, '*' nor a quoted name.")]
    [InlineData("$.a['x]", "'$.a['x]' is not a valid JSONPath: the quoted name at position 3 has no closing '].")]
    [InlineData("$.a[]", "'$.a[]' is not a valid JSONPath: '[]' is neither an index, '*' nor a quoted name.")]
    [InlineData("$.", "'$.' is not a valid JSONPath: a name is missing after '.' at position 1.")]
    [InlineData("$.a..", "'$.a..' is not a valid JSONPath: a name is missing after '.' at position 4.")]
    [InlineData("$.a.[0]", "'$.a.[0]' is not a valid JSONPath: a name is missing after '.' at position 3.")]
    [InlineData("$a", "'$a' is not a valid JSONPath: unexpected 'a' at position 0.")]
    [InlineData("$[0]x", "'$[0]x' is not a valid JSONPath: unexpected 'x' at position 3.")]
    public void MalformedPathIsRejectedWithThePathAndTheProblem(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => JsonPathPattern.Parse(text));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void TextIsTheTrimmedSource()
    {
        var pattern = JsonPathPattern.Parse("  $.items[*].id ");

        Assert.Equal("$.items[*].id", pattern.Text);
        Assert.Equal("$.items[*].id", pattern.ToString());
    }

    [Theory]
    [InlineData("$", true)]
    [InlineData("$", false, "a")]
    [InlineData("$.a", true, "a")]
    [InlineData("$.a", false)]
    [InlineData("$.a", false, "b")]
    [InlineData("$.a", false, "a", "b")]
    [InlineData("a", true, "a")]
    [InlineData("a", false, "x", "a")]
    [InlineData("a.b", true, "a", "b")]
    [InlineData("[0].a", true, 0, "a")]
    [InlineData("$.0", true, "0")]
    [InlineData("$.0", false, 0)]
    [InlineData("$.items[2]", true, "items", 2)]
    [InlineData("$.items[2]", false, "items", 1)]
    [InlineData("$.items[ 2 ]", true, "items", 2)]
    [InlineData("$.items[*].id", true, "items", 3, "id")]
    [InlineData("$.items[*].id", false, "items", "id")]
    [InlineData("$.items[*].id", false, "items", 0, "id", "x")]
    [InlineData("$['odd key']", true, "odd key")]
    [InlineData("$[\"odd key\"]", true, "odd key")]
    [InlineData("$['a.b']", true, "a.b")]
    [InlineData("$['a.b']", false, "a", "b")]
    [InlineData("$['']", true, "")]
    [InlineData("$..id", true, "id")]
    [InlineData("$..id", true, "a", "id")]
    [InlineData("$..id", true, "a", 0, "b", "id")]
    [InlineData("$..id", false, "a", 0, "idx")]
    [InlineData("$..id", false, "id", "x")]
    [InlineData("$..a.b", true, "x", "a", "b")]
    [InlineData("$..a.b", false, "a", "x", "b")]
    [InlineData("$.x..id", true, "x", "y", "id")]
    [InlineData("$.x..id", false, "y", "x", "id")]
    [InlineData("$.*", true, "k")]
    [InlineData("$.*", false, 0)]
    [InlineData("$[*]", true, 0)]
    [InlineData("$[*]", false, "k")]
    [InlineData("$..*", true, 0)]
    [InlineData("$..*", true, "a", "b", "c")]
    [InlineData("$..*", false)]
    public void MatchesConcretePaths(string pattern, bool matches, params object[] path)
    {
        Assert.Equal(matches, JsonPathPattern.Parse(pattern).Matches(Path(path)));
    }

    [Theory]
    [InlineData("$")]
    [InlineData("$.a[0]['odd key']", "a", 0, "odd key")]
    [InlineData("$['']", "")]
    [InlineData("$['a-b']", "a-b")]
    [InlineData("$['a.b']", "a.b")]
    [InlineData("$['it\\'s']", "it's")]
    [InlineData("$.název", "název")]
    [InlineData("$.snake_case1", "snake_case1")]
    [InlineData("$.1", "1")]
    [InlineData("$[0][1]", 0, 1)]
    public void RenderUsesDotsForPlainKeysAndBracketsOtherwise(string rendered, params object[] path)
    {
        Assert.Equal(rendered, JsonPathPattern.Render(Path(path)));
    }

    [Theory]
    [InlineData("odd key")]
    [InlineData("a.b")]
    [InlineData("a-b")]
    [InlineData("")]
    [InlineData("název")]
    [InlineData("$")]
    public void RenderedPathParsesBackToAPatternForTheSamePath(string key)
    {
        var path = Path("items", 3, key);

        Assert.True(JsonPathPattern.Parse(JsonPathPattern.Render(path)).Matches(path));
    }

    [Theory]
    [InlineData("it's")]
    [InlineData("a]b")]
    public void RenderedPathWithQuoteOrBracketParsesBackToAPatternForTheSamePath(string key)
    {
        var path = Path(key);

        Assert.True(JsonPathPattern.Parse(JsonPathPattern.Render(path)).Matches(path));
    }

    private static PathSegment[] Path(params object[] segments) =>
        segments.Select(s => s is int i ? PathSegment.Item(i) : PathSegment.Property((string)s)).ToArray();
}
