namespace Grader.Assignments;

/// <summary>What a student's container is given, in words and as commands: the port it must listen on,
/// the environment variables (the assignment's own and the database login), and the database mode. The
/// submit page and the task page's "reproduce locally" block both read it from here.</summary>
public static class StudentEnvironment
{
    public static readonly IReadOnlyList<string> DatabaseVariables =
        ["DATABASE_HOST", "DATABASE_PORT", "DATABASE_NAME", "DATABASE_USER", "DATABASE_PASSWORD"];

    /// <summary>One sentence on the database the grader gives the app in this mode.</summary>
    public static string DescribeDatabase(AssignmentDefinition assignment) => assignment.DatabaseMode switch
    {
        DatabaseMode.Isolated => "a fresh database of its own, copied from the assignment's template, that it may write to",
        DatabaseMode.Readonly => $"read-only access to the reference database (schemas: {string.Join(", ", assignment.Schemas)})",
        _ => "no database",
    };

    /// <summary>The assignment's variables, with values that look secret replaced by a placeholder.</summary>
    public static IEnumerable<KeyValuePair<string, string>> ShownVariables(AssignmentDefinition assignment) =>
        assignment.Environment.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => KeyValuePair.Create(kv.Key, LooksSecret(kv.Key) ? $"<{kv.Key.ToLowerInvariant()}>" : kv.Value));

    /// <summary>A <c>docker run</c> line that starts the image as the grader does, against the student's
    /// own PostgreSQL on the host (placeholders, never the grader's passwords).</summary>
    public static string DockerRun(AssignmentDefinition assignment, string image)
    {
        var parts = new List<string> { "docker run --rm", $"-p {assignment.Port}:{assignment.Port}", "--add-host=host.docker.internal:host-gateway" };
        if (assignment.DatabaseMode is DatabaseMode.Isolated or DatabaseMode.Readonly)
        {
            parts.Add("-e DATABASE_HOST=host.docker.internal");
            parts.Add("-e DATABASE_PORT=5432");
            parts.Add($"-e DATABASE_NAME={Quote(assignment.Database ?? "<database>")}");
            parts.Add("-e DATABASE_USER='<your user>'");
            parts.Add("-e DATABASE_PASSWORD='<your password>'");
        }

        parts.AddRange(ShownVariables(assignment).Select(kv => $"-e {kv.Key}={Quote(kv.Value)}"));
        parts.Add(Quote(image));
        return string.Join(" \\\n  ", parts);
    }

    public static string GraderTest(AssignmentDefinition assignment) =>
        $"grader test --suite suite.yaml --base-url http://localhost:{assignment.Port}";

    private static bool LooksSecret(string name) =>
        new[] { "PASSWORD", "SECRET", "TOKEN", "KEY" }.Any(word => name.Contains(word, StringComparison.OrdinalIgnoreCase));

    private static string Quote(string value) =>
        value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '@')
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
