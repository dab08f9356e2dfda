using Grader.Scenarios.Execution;

namespace Grader.UnitTests.Scenarios.Execution;

public class CheckDependenciesTests
{
    [Theory]
    [InlineData("table", "public.items", "public", "r")]
    [InlineData("table", "app.orders", "app", "p")]
    [InlineData("view", "pg_catalog.pg_tables", "pg_catalog", "v")]
    [InlineData("view", "information_schema.columns", "information_schema", "v")]
    [InlineData("function", "pg_catalog.lower(text)", "pg_catalog", "")]
    public void OrdinaryTablesAndSystemObjectsMayBeRead(string type, string identity, string schema, string relkind)
    {
        Assert.Null(CheckDependencies.Problem(type, identity, schema, relkind, rowSecurity: false));
    }

    [Theory]
    [InlineData("view", "public.items", "public", "v", "which is a view, not a table")]
    [InlineData("materialized view", "public.items", "public", "m", "which is a materialized view, not a table")]
    [InlineData("foreign table", "public.items", "public", "f", "not a table")]
    [InlineData("function", "public.pwn()", "public", "", "uses the function public.pwn(), which is not built in")]
    [InlineData("operator", "public.=(integer,text)", "public", "", "uses the operator")]
    [InlineData("type", "public.mood", "public", "", "uses the type public.mood")]
    [InlineData("collation", "public.ci", "public", "", "uses the collation public.ci")]
    public void AnythingAStudentCouldPlantIsRefused(string type, string identity, string schema, string relkind, string reason)
    {
        var problem = CheckDependencies.Problem(type, identity, schema, relkind, rowSecurity: false);

        Assert.NotNull(problem);
        Assert.StartsWith("refused: ", problem);
        Assert.Contains(reason, problem);
    }

    [Fact]
    public void TableWithRowLevelSecurityIsRefused()
    {
        Assert.Contains("row-level security", CheckDependencies.Problem("table", "public.items", "public", "r", rowSecurity: true));
    }
}
