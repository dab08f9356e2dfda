using Grader.Database;
using Grader.Sandbox;
using Grader.Scenarios.Suites;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grader.Assignments;

/// <summary>One assignment. Settings and suite change separately, each validated once (the whole
/// assignment, by <see cref="AssignmentValidator"/>) and stored in one write together with who changed it.</summary>
public sealed partial class AssignmentGrain(
    [PersistentState(GrainStorage.AssignmentState, GrainStorage.Provider)] IPersistentState<AssignmentState> state,
    AssignmentCatalog catalog,
    DatabaseSandbox sandbox,
    IOptions<DatabaseOptions> database,
    ILogger<AssignmentGrain> logger)
    : Grain, IAssignmentGrain
{
    public Task<AssignmentDefinition?> GetAsync() => Task.FromResult(state.State.Definition);

    /// <summary>How many change records an assignment keeps.</summary>
    private const int ChangesKept = 100;

    public async Task<AssignmentUpdate> SetAsync(AssignmentDefinition definition, string changedBy = "system")
    {
        var errors = AssignmentValidator.Validate(definition, database.Value.Name).ToList();
        if (definition.Id != this.GetPrimaryKeyString())
        {
            errors.Add($"id '{definition.Id}' differs from '{this.GetPrimaryKeyString()}'");
        }

        if (errors.Count > 0)
        {
            return new AssignmentUpdate(false, errors);
        }

        await StoreAsync(definition, suiteText: null, changedBy, state.State.Definition is null ? "created" : "replaced");
        return new AssignmentUpdate(true, [], definition);
    }

    public async Task<AssignmentUpdate> ChangeSettingsAsync(AssignmentSettingsPatch patch, string changedBy)
    {
        if (state.State.Definition is not { } current)
        {
            return new AssignmentUpdate(false, [$"assignment '{this.GetPrimaryKeyString()}' does not exist"]);
        }

        var unknown = (patch.Clear ?? []).Except(AssignmentSettingsPatch.Clearable).ToList();
        var updated = patch.ApplyTo(current);
        var errors = unknown.Select(u => $"'{u}' cannot be cleared (only {string.Join(", ", AssignmentSettingsPatch.Clearable)})")
            .Concat(AssignmentValidator.Validate(updated, database.Value.Name)).ToList();
        if (errors.Count > 0)
        {
            return new AssignmentUpdate(false, errors);
        }

        await StoreAsync(updated, state.State.SuiteText, changedBy, $"settings: {string.Join(", ", patch.Names())}");
        return new AssignmentUpdate(true, [], updated);
    }

    public Task<SuiteUpdate> ValidateSuiteAsync(string text, string fileName)
    {
        var (_, update) = Check(text, fileName);
        return Task.FromResult(update);
    }

    public async Task<SuiteUpdate> SetSuiteAsync(string text, string fileName, string changedBy = "system")
    {
        var (updated, check) = Check(text, fileName);
        if (updated is null)
        {
            return check;
        }

        await StoreAsync(updated, text, changedBy, $"suite: {fileName}");
        LogSuiteStored(logger, updated.Id, fileName, check.Scenarios, check.Points);
        return check with { Stored = true };
    }

    /// <summary>The one check both storing and checking a suite go through: the definition the suite
    /// would make, or null and every error.</summary>
    private (AssignmentDefinition? Updated, SuiteUpdate Update) Check(string text, string fileName)
    {
        if (state.State.Definition is not { } definition)
        {
            return (null, Rejected($"assignment '{this.GetPrimaryKeyString()}' does not exist; create it before its suite"));
        }

        var suite = SuiteParser.Parse(text, fileName);
        if (!suite.IsValid)
        {
            LogSuiteRejected(logger, definition.Id, fileName, suite.Errors.Count);
            return (null, Rejected(suite.Errors.Select(e => e.ToString()).ToArray()));
        }

        // The suite may be fine on its own and still not fit the assignment (SQL checks without a database).
        var updated = definition with { Scenarios = suite.Scenarios.ToList() };
        var errors = AssignmentValidator.Validate(updated, database.Value.Name);
        if (errors.Count > 0)
        {
            LogSuiteRejected(logger, definition.Id, fileName, errors.Count);
            return (null, Rejected(errors.Select(e => $"{fileName}: {e}").ToArray()));
        }

        return (updated, new SuiteUpdate(false, new List<string>(), updated.Scenarios.Count, updated.Scenarios.Sum(s => s.Points)));
    }

    public Task<IReadOnlyList<AssignmentChangeRecord>> GetChangesAsync() => Task.FromResult<IReadOnlyList<AssignmentChangeRecord>>(state.State.Changes.ToList());

    /// <summary>The definition, its suite text and the change record in one write; the state is left as it
    /// was if the write fails.</summary>
    private async Task StoreAsync(AssignmentDefinition definition, string? suiteText, string changedBy, string what)
    {
        if (definition.DatabaseMode != DatabaseMode.None && definition.Database is { } source)
        {
            await sandbox.ProtectSourceAsync(source, CancellationToken.None);
        }

        var previous = state.State;
        var change = new AssignmentChangeRecord(DateTimeOffset.UtcNow, changedBy, what);
        state.State = new AssignmentState
        {
            Definition = definition,
            SuiteText = suiteText,
            Changes = [.. previous.Changes.TakeLast(ChangesKept - 1), change],
        };
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = previous;
            throw;
        }

        await catalog.WriteAsync(definition);
        LogChanged(logger, definition.Id, changedBy, what);
    }

    public Task<string?> GetSuiteAsync() => Task.FromResult(
        state.State.Definition is not { } definition ? null : state.State.SuiteText ?? SuiteWriter.Write(definition.Scenarios));

    private static SuiteUpdate Rejected(params string[] errors) => new(false, errors.ToList(), 0, 0);

    [LoggerMessage(Level = LogLevel.Information, Message = "Assignment {AssignmentId}: suite {File} stored with {Scenarios} scenarios worth {Points} points")]
    private static partial void LogSuiteStored(ILogger logger, string assignmentId, string file, int scenarios, decimal points);

    [LoggerMessage(Level = LogLevel.Information, Message = "Assignment {AssignmentId} changed by {ChangedBy}: {What}")]
    private static partial void LogChanged(ILogger logger, string assignmentId, string changedBy, string what);

    [LoggerMessage(Level = LogLevel.Information, Message = "Assignment {AssignmentId}: suite {File} rejected with {Errors} errors; nothing stored")]
    private static partial void LogSuiteRejected(ILogger logger, string assignmentId, string file, int errors);
}
