namespace Grader.Assignments;

/// <summary>Holds one assignment's definition; keyed by its id (a slug).</summary>
[Alias("grader.IAssignmentGrain")]
public interface IAssignmentGrain : IGrainWithStringKey
{
    [Alias("Get")]
    Task<AssignmentDefinition?> GetAsync();

    /// <summary>Replaces the whole definition; a suite file stored earlier is forgotten.</summary>
    [Alias("Set")]
    Task SetAsync(AssignmentDefinition definition);

    /// <summary>Replaces the scenarios with those of a suite file (YAML or JSON). All or nothing: with
    /// any error nothing changes and every error is returned as file:line:column: message.</summary>
    [Alias("SetSuite")]
    Task<SuiteUpdate> SetSuiteAsync(string text, string fileName);

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
