using Grader.Assignments;
using Grader.Scenarios.Import;
using Orleans.Concurrency;

namespace Grader.Scenarios.Suites;

/// <summary>Pure functions behind a grain interface: any silo may answer, on as many activations as
/// the load needs.</summary>
[StatelessWorker]
public sealed class SuiteFormatGrain : Grain, ISuiteFormatGrain
{
    public Task<string> WriteAsync(IReadOnlyList<Scenario> scenarios) => Task.FromResult(SuiteWriter.Write(scenarios));

    public Task<SuiteConversion> ConvertReferenceRowsAsync(string rows, bool exactText)
    {
        var import = ReferenceRowImporter.FromJson(rows, exactText);
        return Task.FromResult(import.Errors.Count > 0
            ? new SuiteConversion(null, import.Errors)
            : new SuiteConversion(ReferenceImportReport.Comments(import) + SuiteWriter.Write(import.Scenarios), []));
    }

    public Task<string> SchemaAsync() => Task.FromResult(SuiteSchema.Json);
}
