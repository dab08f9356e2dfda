using System.Text.Json;

namespace Grader.Scenarios;

/// <summary>An expected JSON document compiled once, with the options that shape it (ignore and
/// unordered rules), so judging a response walks only the response. <c>{{name}}</c> references stay
/// holes that are filled from the captured values at judging time, without parsing the suite again.</summary>
public sealed class ExpectedBody
{
    private static long _parses;

    private ExpectedBody(ExpectedNode root, MatchOptions options, bool hasVariables)
    {
        Root = root;
        Options = options;
        HasVariables = hasVariables;
    }

    internal ExpectedNode Root { get; }

    public MatchOptions Options { get; }

    public bool HasVariables { get; }

    /// <summary>How many expected texts were parsed in this process: the benchmark and tests read it to
    /// prove that judging a step parses nothing of the suite.</summary>
    public static long Parses => Interlocked.Read(ref _parses);

    /// <summary>The JSON type of the whole document (object, array, ...).</summary>
    public string TypeName => JsonMatcher.TypeName(Root.ValueKind);

    public string Preview => Root.Preview;

    public static ExpectedBody Parse(string json, MatchOptions? options = null)
    {
        Interlocked.Increment(ref _parses);
        using var document = JsonDocument.Parse(json);
        return From(document.RootElement, options);
    }

    /// <summary>Compiles a value; it is cloned, so the caller's document may be disposed.</summary>
    public static ExpectedBody From(JsonElement value, MatchOptions? options = null)
    {
        options ??= MatchOptions.Default;
        var compiler = new ExpectedCompiler(options);
        var root = compiler.Compile(value.Clone(), []);
        return new ExpectedBody(root, options, compiler.SawVariables);
    }

    /// <summary>Compiles a captured value placed at a path, when a reference is filled in at judging time.</summary>
    internal static ExpectedNode Fill(JsonElement value, MatchOptions options, List<PathSegment> path) =>
        new ExpectedCompiler(options, references: false).Compile(value, path);
}
