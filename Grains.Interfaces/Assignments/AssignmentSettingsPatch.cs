namespace Grader.Assignments;

/// <summary>A change to some of an assignment's settings (everything but its id and its suite). A null
/// member is left as it is; <see cref="Clear"/> names the optional settings to empty (by their JSON
/// names: database, healthPath, opensAt, closesAt, description), so "leave alone" and "remove" differ.</summary>
[GenerateSerializer, Immutable, Alias("grader.AssignmentSettingsPatch")]
public sealed record AssignmentSettingsPatch(
    [property: Id(0)] string? Title = null,
    [property: Id(1)] DatabaseMode? DatabaseMode = null,
    [property: Id(2)] string? Database = null,
    [property: Id(3)] IReadOnlyList<string>? Schemas = null,
    [property: Id(4)] IReadOnlyDictionary<string, string>? Environment = null,
    [property: Id(5)] int? Port = null,
    [property: Id(6)] string? HealthPath = null,
    [property: Id(7)] int? StartupTimeoutSeconds = null,
    [property: Id(8)] int? RequestTimeoutSeconds = null,
    [property: Id(9)] ResourceLimits? Limits = null,
    [property: Id(10)] DateTimeOffset? OpensAt = null,
    [property: Id(11)] DateTimeOffset? ClosesAt = null,
    [property: Id(12)] bool? SupersedePending = null,
    [property: Id(13)] IReadOnlyList<string>? Clear = null,
    [property: Id(14)] GradeRule? GradeRule = null,
    [property: Id(15)] string? Description = null,
    [property: Id(16)] bool? Archived = null,
    [property: Id(17)] bool? ReleaseHiddenAfterClose = null)
{
    /// <summary>The optional settings <see cref="Clear"/> may name.</summary>
    public static readonly IReadOnlyList<string> Clearable = ["database", "healthPath", "opensAt", "closesAt", "description"];

    /// <summary>The definition with this change made; the scenarios are never touched.</summary>
    public AssignmentDefinition ApplyTo(AssignmentDefinition current)
    {
        var clear = Clear ?? [];
        return current with
        {
            Title = Title ?? current.Title,
            DatabaseMode = DatabaseMode ?? current.DatabaseMode,
            Database = clear.Contains("database") ? null : Database ?? current.Database,
            Schemas = Schemas ?? current.Schemas,
            Environment = Environment ?? current.Environment,
            Port = Port ?? current.Port,
            HealthPath = clear.Contains("healthPath") ? null : HealthPath ?? current.HealthPath,
            StartupTimeoutSeconds = StartupTimeoutSeconds ?? current.StartupTimeoutSeconds,
            RequestTimeoutSeconds = RequestTimeoutSeconds ?? current.RequestTimeoutSeconds,
            Limits = Limits ?? current.Limits,
            OpensAt = clear.Contains("opensAt") ? null : OpensAt ?? current.OpensAt,
            ClosesAt = clear.Contains("closesAt") ? null : ClosesAt ?? current.ClosesAt,
            SupersedePending = SupersedePending ?? current.SupersedePending,
            GradeRule = GradeRule ?? current.GradeRule,
            Description = clear.Contains("description") ? null : Description ?? current.Description,
            Archived = Archived ?? current.Archived,
            ReleaseHiddenAfterClose = ReleaseHiddenAfterClose ?? current.ReleaseHiddenAfterClose,
        };
    }

    /// <summary>The names of the settings this change sets or clears, for the change record.</summary>
    public IReadOnlyList<string> Names()
    {
        var set = new (string Name, object? Value)[]
        {
            ("title", Title), ("databaseMode", DatabaseMode), ("database", Database), ("schemas", Schemas), ("environment", Environment),
            ("port", Port), ("healthPath", HealthPath), ("startupTimeoutSeconds", StartupTimeoutSeconds),
            ("requestTimeoutSeconds", RequestTimeoutSeconds), ("limits", Limits), ("opensAt", OpensAt), ("closesAt", ClosesAt),
            ("supersedePending", SupersedePending), ("gradeRule", GradeRule), ("description", Description), ("archived", Archived),
            ("releaseHiddenAfterClose", ReleaseHiddenAfterClose),
        }.Where(m => m.Value is not null).Select(m => m.Name);
        return [.. set.Union(Clear ?? []).Order(StringComparer.Ordinal)];
    }
}

/// <summary>Who changed an assignment, when, and what (settings by name, or the suite by file).</summary>
[GenerateSerializer, Immutable, Alias("grader.AssignmentChangeRecord")]
public sealed record AssignmentChangeRecord(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string By,
    [property: Id(2)] string What);

/// <summary>What a settings change or a whole replacement did: stored (with the result), or refused
/// with every problem and nothing changed.</summary>
[GenerateSerializer, Immutable, Alias("grader.AssignmentUpdate")]
public sealed record AssignmentUpdate(
    [property: Id(0)] bool Stored,
    [property: Id(1)] IReadOnlyList<string> Errors,
    [property: Id(2)] AssignmentDefinition? Definition = null);
