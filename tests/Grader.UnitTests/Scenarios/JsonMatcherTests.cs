namespace Grader.UnitTests.Scenarios;

/// <summary>Behaviour that does not fit the golden file: invalid text, overloads, the public helpers.</summary>
public class JsonMatcherTests
{
    [Fact]
    public void InvalidActualJsonIsReportedNotThrown()
    {
        var mismatches = JsonMatcher.Match("""{"a":1}""", """{"a":1,""");

        var mismatch = Assert.Single(mismatches);
        Assert.Equal("$", mismatch.Path);
        Assert.StartsWith("the response is not valid JSON: ", mismatch.Reason);
        Assert.Equal("""{"a":1}""", mismatch.Expected);
        Assert.Equal("""{"a":1,""", mismatch.Actual);
    }

    [Fact]
    public void EmptyResponseBodyIsReportedAsInvalidJson()
    {
        var mismatch = Assert.Single(JsonMatcher.Match("[]", ""));

        Assert.StartsWith("the response is not valid JSON: ", mismatch.Reason);
        Assert.Equal("", mismatch.Actual);
    }

    [Fact]
    public void LongInvalidResponseIsTruncatedInTheReport()
    {
        var body = "<html>" + new string('x', 300);

        var mismatch = Assert.Single(JsonMatcher.Match("{}", body));

        Assert.Equal(body[..120] + "… (306 chars)", mismatch.Actual);
    }

    [Fact]
    public void ElementOverloadGivesTheSameResultAsTextOverload()
    {
        const string expected = """{"a":[1,2],"b":"#string","c":{"d":null}}""";
        const string actual = """{"a":[2],"b":3,"c":{"d":1},"e":true}""";
        using var e = JsonDocument.Parse(expected);
        using var a = JsonDocument.Parse(actual);

        Assert.Equal(JsonMatcher.Match(expected, actual), JsonMatcher.Match(e.RootElement, a.RootElement));
        // a[0] missing (the length is not a row of its own), b, c.d and e.
        Assert.Equal(4, JsonMatcher.Match(expected, actual).Count);
    }

    [Fact]
    public void WhiteSpaceOnlyDifferenceGetsItsOwnReason()
    {
        var mismatches = JsonMatcher.Match("""{"a":"x y","b":"xy"}""", """{"a":"x\ty","b":"x\r\ny"}""");

        Assert.Equal(["$.a", "$.b"], mismatches.Select(m => m.Path));
        Assert.All(mismatches, m => Assert.Equal("value mismatch: only white space differs", m.Reason));
    }

    [Fact]
    public void NullOptionsMeanExactDefaults()
    {
        Assert.Equal(MatchOptions.Default, new MatchOptions());
        Assert.Single(JsonMatcher.Match("""{"a":1}""", """{"a":1,"b":2}""", null));
    }

    [Fact]
    public void ZeroMaxMismatchesReportsNothing()
    {
        Assert.Empty(JsonMatcher.Match("[1]", "[2,3]", new MatchOptions(MaxMismatches: 0)));
    }

    [Fact]
    public void CatastrophicRegexTimesOutAsAFailureInsteadOfHanging()
    {
        var actual = JsonSerializer.Serialize(new string('a', 40) + "!");

        var mismatch = Assert.Single(JsonMatcher.Match("\"#regex (a+)+\"", actual));

        Assert.Equal("expected a string matching /(a+)+/", mismatch.Reason);
    }

    [Theory]
    [InlineData("#ignore", true)]
    [InlineData("##string", true)]
    [InlineData("#", true)]
    [InlineData("\\#literal", false)]
    [InlineData(" #x", false)]
    [InlineData("", false)]
    public void IsMatcherMeansStartsWithHash(string value, bool isMatcher)
    {
        Assert.Equal(isMatcher, JsonMatcher.IsMatcher(value));
    }

    [Fact]
    public void MatcherNamesListEveryDocumentedMatcher()
    {
        Assert.Equal(
            ["array", "boolean", "datetime", "ignore", "integer", "notnull", "notpresent", "null", "number", "object", "present", "regex", "string", "uuid"],
            JsonMatcher.MatcherNames.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(JsonValueKind.Object, "object")]
    [InlineData(JsonValueKind.Array, "array")]
    [InlineData(JsonValueKind.String, "string")]
    [InlineData(JsonValueKind.Number, "number")]
    [InlineData(JsonValueKind.True, "boolean")]
    [InlineData(JsonValueKind.False, "boolean")]
    [InlineData(JsonValueKind.Null, "null")]
    [InlineData(JsonValueKind.Undefined, "missing")]
    public void TypeNameUsesJsonVocabulary(JsonValueKind kind, string name)
    {
        Assert.Equal(name, JsonMatcher.TypeName(kind));
    }
}
