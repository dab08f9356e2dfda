using Grader.Assignments;

namespace Grader.Web.Pages.Staff.Assignments;

/// <summary>An assignment's settings as the form edits them; the scenarios are edited as a suite.</summary>
public sealed class AssignmentForm
{
    public string Title { get; set; } = "";
    public DatabaseMode DatabaseMode { get; set; }
    public string? Database { get; set; }
    public string Schemas { get; set; } = "public";
    public string? Environment { get; set; }
    public int Port { get; set; } = AssignmentDefinition.DefaultPort;
    public string? HealthPath { get; set; }
    public int StartupTimeoutSeconds { get; set; } = 60;
    public int RequestTimeoutSeconds { get; set; } = 20;
    public int MemoryMb { get; set; } = 512;
    public double Cpus { get; set; } = 1;
    public int Pids { get; set; } = 256;
    public DateTime? OpensAt { get; set; }
    public DateTime? ClosesAt { get; set; }
    public GradeRule GradeRule { get; set; }
    public string? Description { get; set; }
    public bool Archived { get; set; }
    public bool ReleaseHiddenAfterClose { get; set; }

    public static AssignmentForm From(AssignmentDefinition a) => new()
    {
        Title = a.Title,
        DatabaseMode = a.DatabaseMode,
        Database = a.Database,
        Schemas = string.Join(", ", a.Schemas),
        Environment = string.Join('\n', a.Environment.Select(kv => $"{kv.Key}={kv.Value}")),
        Port = a.Port,
        HealthPath = a.HealthPath,
        StartupTimeoutSeconds = a.StartupTimeoutSeconds,
        RequestTimeoutSeconds = a.RequestTimeoutSeconds,
        MemoryMb = a.Limits.MemoryMb,
        Cpus = a.Limits.Cpus,
        Pids = a.Limits.Pids,
        OpensAt = a.OpensAt?.UtcDateTime,
        ClosesAt = a.ClosesAt?.UtcDateTime,
        GradeRule = a.GradeRule,
        Description = a.Description,
        Archived = a.Archived,
        ReleaseHiddenAfterClose = a.ReleaseHiddenAfterClose,
    };

    /// <summary>The settings this form edits, as a change the assignment grain validates and stores;
    /// settings the form does not show (supersede) are left alone. Lines of the form that cannot be read
    /// come back as errors.</summary>
    public (AssignmentSettingsPatch Patch, List<string> Errors) ToPatch()
    {
        var errors = new List<string>();
        var environment = new Dictionary<string, string>();
        foreach (var (line, number) in (Environment ?? "").Split('\n').Select((l, i) => (l.Trim(), i + 1)).Where(x => x.Item1.Length > 0))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                errors.Add($"environment line {number}: expected NAME=value, got '{line}'");
                continue;
            }

            environment[line[..equals].Trim()] = line[(equals + 1)..];
        }

        var database = string.IsNullOrWhiteSpace(Database) ? null : Database.Trim();
        var healthPath = string.IsNullOrWhiteSpace(HealthPath) ? null : HealthPath.Trim();
        var description = string.IsNullOrWhiteSpace(Description) ? null : Description;
        var clear = new (string Name, object? Value)[] { ("database", database), ("healthPath", healthPath), ("opensAt", OpensAt), ("closesAt", ClosesAt), ("description", description) }
            .Where(c => c.Value is null).Select(c => c.Name).ToList();
        var patch = new AssignmentSettingsPatch(
            Title: Title.Trim(),
            DatabaseMode: DatabaseMode,
            Database: database,
            Schemas: Schemas.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
            Environment: environment,
            Port: Port,
            HealthPath: healthPath,
            StartupTimeoutSeconds: StartupTimeoutSeconds,
            RequestTimeoutSeconds: RequestTimeoutSeconds,
            Limits: new ResourceLimits(MemoryMb, Cpus, Pids),
            OpensAt: Utc(OpensAt),
            ClosesAt: Utc(ClosesAt),
            Clear: clear,
            GradeRule: GradeRule,
            Description: description,
            Archived: Archived,
            ReleaseHiddenAfterClose: ReleaseHiddenAfterClose);
        return (patch, errors);
    }

    private static DateTimeOffset? Utc(DateTime? value) =>
        value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}
