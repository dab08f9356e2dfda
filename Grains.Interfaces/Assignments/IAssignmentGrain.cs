namespace Grader.Assignments;

/// <summary>Holds one assignment's definition; keyed by its id (a slug).</summary>
[Alias("grader.IAssignmentGrain")]
public interface IAssignmentGrain : IGrainWithStringKey
{
    [Alias("Get")]
    Task<AssignmentDefinition?> GetAsync();

    /// <summary>Creates or replaces the whole definition, scenarios included; a suite file stored earlier
    /// is forgotten. Invalid: nothing changes and every problem is returned.</summary>
    [Alias("Set")]
    Task<AssignmentUpdate> SetAsync(AssignmentDefinition definition, string changedBy = "system");

    /// <summary>Changes only the settings the patch names; the suite (scenarios and stored text) is left
    /// byte for byte. Validated once, as a whole, and stored in one write.</summary>
    [Alias("ChangeSettings")]
    Task<AssignmentUpdate> ChangeSettingsAsync(AssignmentSettingsPatch patch, string changedBy);

    /// <summary>Replaces the scenarios with those of a suite file (YAML or JSON), leaving the settings
    /// alone. All or nothing: with any error nothing changes and every error is returned as
    /// file:line:column: message.</summary>
    [Alias("SetSuite")]
    Task<SuiteUpdate> SetSuiteAsync(string text, string fileName, string changedBy = "system");

    /// <summary>The same checks as <see cref="SetSuiteAsync"/>, storing nothing: Stored is always false,
    /// and no errors means the suite would be accepted (with the scenarios and points it reports).</summary>
    [Alias("ValidateSuite")]
    Task<SuiteUpdate> ValidateSuiteAsync(string text, string fileName);

    /// <summary>Who changed the assignment and when, oldest first (the most recent ones are kept).</summary>
    [Alias("GetChanges")]
    Task<IReadOnlyList<AssignmentChangeRecord>> GetChangesAsync();

    /// <summary>The suite as YAML: the file as it was stored (comments kept), or the scenarios written
    /// out when they came as JSON. Null when the assignment does not exist.</summary>
    [Alias("GetSuite")]
    Task<string?> GetSuiteAsync();
}

/// <summary>What storing a suite did.</summary>
[GenerateSerializer, Immutable, Alias("grader.SuiteUpdate")]
public sealed record SuiteUpdate(
    [property: Id(0)] bool Stored,
    [property: Id(1)] IReadOnlyList<string> Errors,
    [property: Id(2)] int Scenarios,
    [property: Id(3)] decimal Points);

/// <summary>Suites are hand-written text; anything near this size is a mistake or an attack. Every upload
/// path stops reading here.</summary>
public static class SuiteLimits
{
    public const int MaxBytes = 4 * 1024 * 1024;

    public static string TooLarge => $"the suite is larger than {MaxBytes / 1024 / 1024} MB";
}
