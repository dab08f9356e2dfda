namespace Grader.Assignments;

/// <summary>Holds one assignment's definition; keyed by its id (a slug).</summary>
[Alias("grader.IAssignmentGrain")]
public interface IAssignmentGrain : IGrainWithStringKey
{
    [Alias("Get")]
    Task<AssignmentDefinition?> GetAsync();

    [Alias("Set")]
    Task SetAsync(AssignmentDefinition definition);
}
