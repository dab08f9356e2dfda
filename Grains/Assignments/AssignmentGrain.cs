namespace Grader.Assignments;

[GenerateSerializer, Alias("grader.AssignmentState")]
public sealed class AssignmentState
{
    [Id(0)] public AssignmentDefinition? Definition { get; set; }
}

public sealed class AssignmentGrain(
    [PersistentState(GrainStorage.AssignmentState, GrainStorage.Provider)] IPersistentState<AssignmentState> state,
    AssignmentCatalog catalog)
    : Grain, IAssignmentGrain
{
    public Task<AssignmentDefinition?> GetAsync() => Task.FromResult(state.State.Definition);

    public async Task SetAsync(AssignmentDefinition definition)
    {
        var errors = AssignmentValidator.Validate(definition);
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Assignment '{definition.Id}' is invalid: {string.Join("; ", errors)}");
        }

        if (definition.Id != this.GetPrimaryKeyString())
        {
            throw new ArgumentException($"Assignment id '{definition.Id}' does not match the grain key '{this.GetPrimaryKeyString()}'.");
        }

        state.State.Definition = definition;
        await state.WriteStateAsync();
        await catalog.WriteAsync(definition);
    }
}
