using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;

namespace Grader.UnitTests.Scenarios;

/// <summary>One case of <c>matcher-cases.json</c>: two documents, the options, and the exact mismatches
/// the matcher must report.</summary>
public sealed record MatcherCase(
    string Name,
    string Expected,
    string Actual,
    MatchOptions Options,
    IReadOnlyList<Mismatch> Mismatches)
{
    public static readonly string FilePath = Path.Combine(AppContext.BaseDirectory, "Scenarios", "matcher-cases.json");

    private static readonly Lazy<IReadOnlyList<MatcherCase>> Cases = new(() => Load(FilePath));

    public static IReadOnlyList<MatcherCase> All => Cases.Value;

    public static MatcherCase Named(string name) => All.Single(c => c.Name == name);

    public IReadOnlyList<Mismatch> Run() => JsonMatcher.Match(Expected, Actual, Options);

    public override string ToString() => Name;

    public static IReadOnlyList<MatcherCase> Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray().Select(FromJson).ToList();
    }

    private static MatcherCase FromJson(JsonElement c)
    {
        var options = MatchOptions.Default;
        if (c.TryGetProperty("options", out var o))
        {
            options = new MatchOptions(
                Mode: o.TryGetProperty("mode", out var mode) ? Enum.Parse<MatchMode>(mode.GetString()!, ignoreCase: true) : MatchMode.Exact,
                Ignore: Patterns(o, "ignore"),
                Unordered: Patterns(o, "unordered"),
                Tolerance: o.TryGetProperty("tolerance", out var tolerance) ? tolerance.GetDecimal() : 0,
                MaxMismatches: o.TryGetProperty("maxMismatches", out var max) ? max.GetInt32() : 50);
        }

        var mismatches = c.GetProperty("mismatches").EnumerateArray()
            .Select(m => new Mismatch(
                m.GetProperty("path").GetString()!,
                m.GetProperty("reason").GetString()!,
                m.GetProperty("expected").GetString(),
                m.GetProperty("actual").GetString(),
                m.GetProperty("expectedType").GetString(),
                m.GetProperty("actualType").GetString(),
                m.TryGetProperty("actualPath", out var actualPath) ? actualPath.GetString() : null))
            .ToList();
        return new MatcherCase(
            c.GetProperty("name").GetString()!,
            Compact(c.GetProperty("expected")),
            Compact(c.GetProperty("actual")),
            options,
            mismatches);
    }

    private static List<JsonPathPattern>? Patterns(JsonElement options, string name) =>
        options.TryGetProperty(name, out var list) ? list.EnumerateArray().Select(p => JsonPathPattern.Parse(p.GetString()!)).ToList() : null;

    /// <summary>The documents are re-written without the file's indentation, so previews in the golden
    /// output do not depend on how the file is formatted. Numbers keep their literal text (1.0 stays 1.0).</summary>
    private static string Compact(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            element.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
