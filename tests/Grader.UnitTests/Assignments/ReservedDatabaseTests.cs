namespace Grader.UnitTests.Assignments;

public class ReservedDatabaseTests
{
    [Theory]
    [InlineData("postgres", "belongs to the PostgreSQL server")]
    [InlineData("template0", "belongs to the PostgreSQL server")]
    [InlineData("template1", "belongs to the PostgreSQL server")]
    [InlineData("grader_0123abcd_00000000000000000000000000000001_2", "is a task's sandbox")]
    [InlineData("grader_state", "is the grader's own database (Database:Name)")]
    public void AssignmentMayNotNameAServerSandboxOrGraderDatabase(string database, string reason)
    {
        foreach (var mode in new[] { DatabaseMode.Readonly, DatabaseMode.Isolated })
        {
            var errors = AssignmentValidator.Validate(With(mode, database), graderDatabase: "grader_state");

            Assert.Contains(errors, e => e.Contains($"database '{database}' {reason}", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("grader_it_tpl_items")]
    [InlineData("course_reference")]
    public void OtherDatabasesMayBeNamed(string database)
    {
        Assert.Empty(AssignmentValidator.Validate(With(DatabaseMode.Isolated, database), graderDatabase: "grader_state"));
    }

    private static AssignmentDefinition With(DatabaseMode mode, string database) => new(
        "reserved", "Reserved", mode, database, [], new Dictionary<string, string>(), 8000, null, 30, 10, new ResourceLimits(), []);
}
