using Grader.Web.Queries;

namespace Grader.UnitTests.Web;

public class SavedQueryTests
{
    [Fact]
    public void HeaderGivesTitleDescriptionAndTypedParameters()
    {
        var query = SavedQuery.Parse("stuck", """
            -- title: Stuck tasks
            -- description: Not finished,
            -- description: and not changed.
            -- param: minutes integer 15 Minutes without a change
            -- param: who text * Student
            SELECT 1 WHERE @minutes > 0 AND @who <> ''
            """);

        Assert.Equal("Stuck tasks", query.Title);
        Assert.Equal("Not finished, and not changed.", query.Description);
        Assert.Equal([("minutes", QueryParameterType.Integer, "15", "Minutes without a change"), ("who", QueryParameterType.Text, "*", "Student")],
            query.Parameters.Select(p => (p.Name, p.Type, p.Default, p.Label)));
    }

    [Theory]
    [InlineData("SELECT 1", "no '-- title:' line")]
    [InlineData("-- title: T\n-- param: n number 1\nSELECT @n", "unknown type 'number'")]
    [InlineData("-- title: T\n-- param: n integer many\nSELECT @n", "the default of 'n' is wrong")]
    [InlineData("-- title: T\n-- param: n integer 1\nSELECT 1", "never uses @n")]
    [InlineData("-- title: T\n-- param: n integer 1\n-- param: n integer 2\nSELECT @n", "declared twice")]
    [InlineData("-- title: T\n-- param: N\nSELECT 1", "line 2: a parameter is")]
    public void BadHeaderNamesTheFileAndTheProblem(string text, string problem)
    {
        var error = Assert.Throws<FormatException>(() => SavedQuery.Parse("broken", text));

        Assert.Contains("'broken'", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InputsAreTypedOrRefusedWithTheLabel()
    {
        var minutes = new QueryParameter("minutes", QueryParameterType.Integer, "15", "Minutes");

        Assert.Equal(15L, minutes.Bind(" ").Value);
        Assert.Equal(-3L, minutes.Bind("-3").Value);
        Assert.Equal("Minutes must be a whole number, not '1; DROP TABLE x'.", minutes.Bind("1; DROP TABLE x").Error);
    }

    [Fact]
    public void EveryShippedQueryParses()
    {
        var catalog = new SavedQueryCatalog();

        Assert.Equal(["requeued-by-host", "slowest-phases", "stuck-tasks", "students-without-a-pass", "submissions-per-hour"],
            catalog.All.Select(q => q.Name).Order(StringComparer.Ordinal));
        Assert.All(catalog.All, q => Assert.False(string.IsNullOrWhiteSpace(q.Description)));
    }

    [Theory]
    [InlineData("SELECT 1;", "SELECT * FROM (\nSELECT 1\n) AS ad_hoc")]
    [InlineData("  WITH x AS (SELECT 2) SELECT * FROM x ;; ", "SELECT * FROM (\nWITH x AS (SELECT 2) SELECT * FROM x\n) AS ad_hoc")]
    public void AdHocTextBecomesTheBodyOfOneSelect(string text, string sql) => Assert.Equal((sql, null), AdHocQuery.Wrap(text));

    [Theory]
    [InlineData("", "Write a query first.")]
    [InlineData("SELECT 1; DELETE FROM task_summary", "One statement only: remove the ';' inside the query.")]
    [InlineData("SELECT 1) AS q; SET statement_timeout = 0; SELECT (1", "One statement only: remove the ';' inside the query.")]
    public void AdHocTextWithASecondStatementIsRefused(string text, string error) => Assert.Equal((null, error), AdHocQuery.Wrap(text));
}
