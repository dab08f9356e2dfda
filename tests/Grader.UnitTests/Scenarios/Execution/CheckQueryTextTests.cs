using Grader.Scenarios.Execution;

namespace Grader.UnitTests.Scenarios.Execution;

public class CheckQueryTextTests
{
    [Fact]
    public void EachParameterBecomesALiteralOfTheTypeItWouldHaveBeenBoundAs()
    {
        var sql = CheckQueryText.Inline("SELECT * FROM t WHERE a = @s AND b = @n AND c = @d AND e = @t AND f IS @z AND g = @j",
            """{"s": "x", "n": 42, "d": 1.5, "t": true, "z": null, "j": {"k": [1]}}""");

        Assert.Equal("SELECT * FROM t WHERE a = ('x'::pg_catalog.text) AND b = ('42'::pg_catalog.int8) AND c = ('1.5'::pg_catalog.numeric)"
            + " AND e = true AND f IS NULL AND g = ('{\"k\": [1]}'::pg_catalog.jsonb)", sql);
    }

    [Theory]
    [InlineData("it's", "('it''s'::pg_catalog.text)")]
    [InlineData("'); DROP TABLE t; --", "('''); DROP TABLE t; --'::pg_catalog.text)")]
    [InlineData("back\\slash", "('back\\slash'::pg_catalog.text)")]
    public void QuotesInAValueStayInsideItsLiteral(string value, string literal)
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["v"] = value });

        Assert.Equal($"SELECT {literal}", CheckQueryText.Inline("SELECT @v", json));
    }

    [Theory]
    [InlineData("SELECT '@v'")]
    [InlineData("SELECT E'\\'@v'")]
    [InlineData("SELECT \"@v\" FROM t")]
    [InlineData("SELECT 1 -- @v")]
    [InlineData("SELECT /* /* @v */ @v */ 1")]
    [InlineData("SELECT $$ @v $$")]
    [InlineData("SELECT $q$ @v $q$")]
    [InlineData("SELECT a@v FROM t")]
    [InlineData("SELECT a @@v FROM t")]
    public void NamesInsideStringsIdentifiersCommentsOrWordsAreLeftAlone(string query)
    {
        Assert.Equal(query, CheckQueryText.Inline(query, """{"v": 1}"""));
    }

    [Fact]
    public void ParametersAfterQuotedStretchesAreStillFound()
    {
        Assert.Equal("SELECT 'a''b', $$x$$, \"c\"\"d\" WHERE id = ('1'::pg_catalog.int8) -- end",
            CheckQueryText.Inline("SELECT 'a''b', $$x$$, \"c\"\"d\" WHERE id = @id -- end", """{"id": 1}"""));
    }

    [Fact]
    public void UnknownNamesAndQueriesWithoutParametersAreUntouched()
    {
        Assert.Equal("SELECT @other", CheckQueryText.Inline("SELECT @other", """{"v": 1}"""));
        Assert.Equal("SELECT @v", CheckQueryText.Inline("SELECT @v", null));
    }
}
