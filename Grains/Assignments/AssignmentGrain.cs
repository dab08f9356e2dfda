using Grader.Database;
using Grader.Sandbox;
using Grader.Scenarios.Suites;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grader.Assignments;

[GenerateSerializer, Alias("grader.AssignmentState")]
public sealed class AssignmentState
{
    [Id(0)] public AssignmentDefinition? Definition { get; set; }

    /// <summary>The suite file the scenarios came from, kept as written so staff get their comments back.</summary>
    [Id(1)] public string? SuiteText { get; set; }
}

public sealed partial class AssignmentGrain(
    [PersistentState(GrainStorage.AssignmentState, GrainStorage.Provider)] IPersistentState<AssignmentState> state,
    AssignmentCatalog catalog,
    DatabaseSandbox sandbox,
    IOptions<DatabaseOptions> database,
    ILogger<AssignmentGrain> logger)
    : Grain, IAssignmentGrain
{
    public Task<AssignmentDefinition?> GetAsync() => Task.FromResult(state.State.Definition);

    public async Task SetAsync(AssignmentDefinition definition)
    {
        var errors = AssignmentValidator.Validate(definition, database.Value.Name);
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Assignment '{definition.Id}' is invalid: {string.Join("; ", errors)}");
        }

        if (definition.DatabaseMode != DatabaseMode.None && definition.Database is { } source)
        {
            await sandbox.ProtectSourceAsync(source, CancellationToken.None);
        }

        if (definition.Id != this.GetPrimaryKeyString())
        {
            throw new ArgumentException($"Assignment id '{definition.Id}' does not match the grain key '{this.GetPrimaryKeyString()}'.");
        }

        state.State.Definition = definition;
        state.State.SuiteText = null;
        await state.WriteStateAsync();
        await catalog.WriteAsync(definition);
    }

    public async Task<SuiteUpdate> SetSuiteAsync(string text, string fileName)
    {
        if (state.State.Definition is not { } definition)
        {
            return Rejected($"assignment '{this.GetPrimaryKeyString()}' does not exist; create it before its suite");
        }

        var suite = SuiteParser.Parse(text, fileName);
        if (!suite.IsValid)
        {
            LogSuiteRejected(logger, definition.Id, fileName, suite.Errors.Count);
            return Rejected(suite.Errors.Select(e => e.ToString()).ToArray());
        }

        // The suite may be fine on its own and still not fit the assignment (SQL checks without a database).
        var updated = definition with { Scenarios = suite.Scenarios.ToList() };
        var errors = AssignmentValidator.Validate(updated, database.Value.Name);
        if (errors.Count > 0)
        {
            LogSuiteRejected(logger, definition.Id, fileName, errors.Count);
            return Rejected(errors.Select(e => $"{fileName}: {e}").ToArray());
        }

        state.State.Definition = updated;
        state.State.SuiteText = text;
        await state.WriteStateAsync();
        await catalog.WriteAsync(updated);
        var points = updated.Scenarios.Sum(s => s.Points);
        LogSuiteStored(logger, definition.Id, fileName, updated.Scenarios.Count, points);
        return new SuiteUpdate(true, new List<string>(), updated.Scenarios.Count, points);
    }

    public Task<string?> GetSuiteAsync() => Task.FromResult(
        state.State.Definition is not { } definition ? null : state.State.SuiteText ?? SuiteWriter.Write(definition.Scenarios));

    private static SuiteUpdate Rejected(params string[] errors) => new(false, errors.ToList(), 0, 0);

    [LoggerMessage(Level = LogLevel.Information, Message = "Assignment {AssignmentId}: suite {File} stored with {Scenarios} scenarios worth {Points} points")]
    private static partial void LogSuiteStored(ILogger logger, string assignmentId, string file, int scenarios, decimal points);

    [LoggerMessage(Level = LogLevel.Information, Message = "Assignment {AssignmentId}: suite {File} rejected with {Errors} errors; nothing stored")]
    private static partial void LogSuiteRejected(ILogger logger, string assignmentId, string file, int errors);
}
