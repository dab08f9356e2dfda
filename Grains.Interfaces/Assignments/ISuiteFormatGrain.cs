namespace Grader.Assignments;

/// <summary>What a converted suite came to: the YAML (with the import report as leading comments), or
/// why nothing could be converted.</summary>
[GenerateSerializer, Immutable, Alias("grader.SuiteConversion")]
public sealed record SuiteConversion([property: Id(0)] string? Yaml, [property: Id(1)] IReadOnlyList<string> Errors);

/// <summary>The suite format as a service: write scenarios as YAML, convert the reference system's
/// exported rows, and the format's JSON Schema. It lives beside the parser (in the grains), so clients
/// such as the web need only this contract, and the format has one home.</summary>
[Alias("grader.ISuiteFormatGrain")]
public interface ISuiteFormatGrain : IGrainWithIntegerKey
{
    [Alias("Write")]
    Task<string> WriteAsync(IReadOnlyList<Scenario> scenarios);

    /// <param name="exactText">Compare bodies as JSON text, as the reference did.</param>
    [Alias("ConvertReferenceRows")]
    Task<SuiteConversion> ConvertReferenceRowsAsync(string rows, bool exactText);

    [Alias("Schema")]
    Task<string> SchemaAsync();
}
