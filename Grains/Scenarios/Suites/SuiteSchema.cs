namespace Grader.Scenarios.Suites;

/// <summary>The suite format's JSON Schema, for editors (YAML language servers read JSON Schema) and for
/// the web's /api/suite-schema.json. The parser is the authority; a test keeps the two in step.</summary>
public static class SuiteSchema
{
    private static readonly Lazy<string> Text = new(() =>
    {
        using var stream = typeof(SuiteSchema).Assembly.GetManifestResourceStream("Grader.Scenarios.Suites.suite.schema.json")
            ?? throw new InvalidOperationException("suite.schema.json is not embedded in the grains assembly");
        using var reader = new StreamReader(stream);
        // The matcher list comes from the vocabulary table, so a new matcher needs no edit here.
        return reader.ReadToEnd().Replace("{matchers}", MatcherVocabulary.Listing, StringComparison.Ordinal);
    });

    public static string Json => Text.Value;
}
