using System.Text.RegularExpressions;

namespace Grader.Assignments;

/// <summary>Checks an assignment as a whole and lists every problem, so staff fix them in one go.</summary>
public static partial class AssignmentValidator
{
    /// <summary>Databases no assignment may hand to students: the server's own, and every sandbox.</summary>
    private static readonly string[] ServerDatabases = ["postgres", "template0", "template1"];

    /// <param name="graderDatabase">The grader's own database (<c>Database:Name</c>), which no
    /// assignment may name; null where the caller does not know it (the grain always passes it).</param>
    public static IReadOnlyList<string> Validate(AssignmentDefinition a, string? graderDatabase = null)
    {
        // JSON from the API may leave out members the record declares non-null; say so, don't crash.
        var missing = new (string Name, object? Value)[]
        {
            ("id", a.Id), ("title", a.Title), ("schemas", a.Schemas), ("environment", a.Environment), ("limits", a.Limits), ("scenarios", a.Scenarios),
        }.Where(m => m.Value is null).Select(m => $"{m.Name} is required").ToList();
        if (missing.Count > 0)
        {
            return missing;
        }

        var errors = new List<string>();
        if (!IdPattern().IsMatch(a.Id))
        {
            errors.Add($"id '{a.Id}' must be 1-64 lowercase letters, digits, '-' or '_'");
        }

        if (a.Port is < 1 or > 65535)
        {
            errors.Add($"port {a.Port} must be between 1 and 65535");
        }

        if (a.StartupTimeoutSeconds is < 1 or > 600)
        {
            errors.Add($"startupTimeoutSeconds {a.StartupTimeoutSeconds} must be between 1 and 600");
        }

        if (a.RequestTimeoutSeconds is < 1 or > 300)
        {
            errors.Add($"requestTimeoutSeconds {a.RequestTimeoutSeconds} must be between 1 and 300");
        }

        if (a.DatabaseMode != DatabaseMode.None && string.IsNullOrWhiteSpace(a.Database))
        {
            errors.Add($"database mode {a.DatabaseMode} needs a database name");
        }

        if (a.DatabaseMode != DatabaseMode.None && a.Database is { } database && ReservedDatabaseProblem(database, graderDatabase) is { } reserved)
        {
            errors.Add(reserved);
        }

        if (a.OpensAt is { } opens && a.ClosesAt is { } closes && closes <= opens)
        {
            errors.Add($"closesAt {closes:O} must be after opensAt {opens:O}");
        }

        if (a.Limits.MemoryMb < 16 || a.Limits.Cpus <= 0 || a.Limits.Pids < 8)
        {
            errors.Add("limits must allow at least 16 MB of memory, some CPU and 8 processes");
        }

        foreach (var key in a.Environment.Keys.Where(k => !EnvNamePattern().IsMatch(k) || k.StartsWith("DATABASE_", StringComparison.Ordinal)))
        {
            errors.Add($"environment variable '{key}' is not a valid name or is reserved (DATABASE_*)");
        }

        foreach (var duplicate in a.Scenarios.GroupBy(s => s.Id).Where(g => g.Count() > 1))
        {
            errors.Add($"scenario id '{duplicate.Key}' is used {duplicate.Count()} times");
        }

        foreach (var scenario in a.Scenarios)
        {
            ScenarioValidator.Validate(scenario, a.DatabaseMode, errors);
        }

        return errors;
    }

    private static string? ReservedDatabaseProblem(string database, string? graderDatabase) =>
        string.Equals(database, graderDatabase, StringComparison.Ordinal)
            ? $"database '{database}' is the grader's own database (Database:Name); name the assignment's template or reference database"
        : ServerDatabases.Contains(database, StringComparer.Ordinal)
            ? $"database '{database}' belongs to the PostgreSQL server; name the assignment's template or reference database"
        : Sandbox.SandboxNames.TryParse(database) is not null || Sandbox.SandboxNames.IsPoolName(database)
            ? $"database '{database}' is a task's sandbox; name the assignment's template or reference database"
        : null;

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvNamePattern();
}
