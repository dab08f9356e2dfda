namespace Grader.Scenarios.Execution;

/// <summary>Runs a check's query on the attempt's database, read-only, and returns its rows as a JSON
/// array of objects (column name → value).</summary>
public interface ISqlChecks
{
    /// <param name="parametersJson">A JSON object of named parameters, already filled in.</param>
    Task<string> QueryRowsAsync(string query, string? parametersJson, CancellationToken ct);
}
