namespace Grader.IntegrationTests.Infrastructure;

/// <summary>The demo assignment (infra/demo) under a new id, on its own copy of the template.</summary>
public static class DemoAssignment
{
    public static async Task<AssignmentDefinition> LoadAsync(string id, Func<AssignmentDefinition, AssignmentDefinition>? change = null)
    {
        var template = $"grader_it_tpl_{id.Replace('-', '_')}_{LocalStack.RunId}";
        await LocalStack.CreateDatabaseAsync(template, await File.ReadAllTextAsync(Path.Combine(LocalStack.RepoRoot, "infra/demo/template.sql")));
        var demo = JsonSerializer.Deserialize<AssignmentDefinition>(
            await File.ReadAllTextAsync(Path.Combine(LocalStack.RepoRoot, "infra/demo/assignment.json")), Grader.IntegrationTests.Grading.GraderFixture.Json)!;
        return (change ?? (a => a))(demo with { Id = id, Database = template });
    }

    public static async Task<AssignmentDefinition> StoreAsync(IGrainFactory grains, string id, Func<AssignmentDefinition, AssignmentDefinition>? change = null)
    {
        var assignment = await LoadAsync(id, change);
        var stored = await grains.GetGrain<IAssignmentGrain>(id).SetAsync(assignment);
        Assert.True(stored.Stored, string.Join("; ", stored.Errors));
        return assignment;
    }
}
