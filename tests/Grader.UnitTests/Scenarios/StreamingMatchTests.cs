using System.Text;
using System.Text.Encodings.Web;

namespace Grader.UnitTests.Scenarios;

/// <summary>The one-pass reader (<see cref="StreamingMatch"/>) must say "matches" exactly when the full
/// comparison finds nothing, since a "matches" skips the full comparison and its messages entirely.</summary>
public class StreamingMatchTests
{
    private const int Iterations = 3000;

    [Fact]
    public void VerdictEqualsTheFullComparisonOnRandomPairs()
    {
        var random = new Random(2468);
        var json = new RandomJson(random) { AllowMatchers = true };
        var (equal, different) = (0, 0);
        for (var i = 0; i < Iterations; i++)
        {
            var tree = json.Document(4);
            var expected = ExpectedBody.Parse(RandomJson.Write(tree), json.Options() with { MaxMismatches = 1 + random.Next(50) });
            // Same tree, a copy with edits, another layout of the same values, or an unrelated document.
            var actual = random.Next(4) switch
            {
                0 => RandomJson.Write(tree),
                1 => RandomJson.Write(json.Mutate(tree, 4)),
                2 => Indented(RandomJson.Write(Reordered(tree))),
                _ => RandomJson.Write(json.Document(4)),
            };

            var full = JsonMatcher.Explain(expected, actual, null, CancellationToken.None);
            var streaming = StreamingMatch.Matches(expected, actual, null, CancellationToken.None);

            Assert.True(streaming == (full.Count == 0), $"iteration {i}: streaming {streaming}, full {full.Count}\nexpected: {RandomJson.Write(tree)}\nactual: {actual}\n{string.Join("\n", full)}");
            (equal, different) = streaming ? (equal + 1, different) : (equal, different + 1);
        }

        // Both answers must be common, or the property says little.
        Assert.True(equal > Iterations / 5 && different > Iterations / 5, $"{equal} matching, {different} differing");
    }

    [Fact]
    public void EveryGoldenCaseGetsTheSameVerdict()
    {
        foreach (var c in MatcherCase.All.Where(c => c.Options.MaxMismatches > 0))
        {
            var streaming = StreamingMatch.Matches(ExpectedBody.Parse(c.Expected, c.Options), c.Actual, null, CancellationToken.None);

            Assert.True(streaming == (c.Mismatches.Count == 0), $"{c.Name}: streaming says {streaming}");
        }
    }

    public static TheoryData<string, string> EdgeBodies() => new()
    {
        { """{"a":1}""", "" },
        { """{"a":1}""", "   " },
        { """{"a":1}""", """{"a":1} {"a":1}""" },
        { """{"a":1}""", """{"a":1}x""" },
        { """{"a":1}""", """{"a":1,}""" },
        { """{"a":1}""", """{"a":1 /* c */}""" },
        { """{"a":1}""", "\uFEFF{\"a\":1}" },
        { """{"a":1}""", """{"a":2,"a":1}""" },
        { """{"a":1}""", """{"a":1,"a":2}""" },
        { """{"a":1}""", """{"a":1,"a":1}""" },
        { """{"a":1}""", """{"\u0061":1}""" },
        { """{"a":"x"}""", """{"a":"\u0078"}""" },
        { """{"a":"\ud800"}""", """{"a":"\ud800"}""" },
        { """{"a":1}""", """{"a":1.0}""" },
        { """{"a":1}""", """{"a":10e-1}""" },
        { """{"a":1}""", """{"a":1e99999999999999999999}""" },
        { """{"a":1e400}""", """{"a":1e400}""" },
        { """{"a":1e400}""", """{"a":10e399}""" },
        { """{"a":"#integer"}""", """{"a":2.0}""" },
        { """{"a":"#integer"}""", """{"a":2e99999999999999999999}""" },
        { """{"a":"#uuid"}""", """{"a":"\u0030000000-0000-0000-0000-000000000000"}""" },
        { """{"a":"#regex x+"}""", """{"a":"x\u0078"}""" },
        { """{"a":"\\#x"}""", """{"a":"#x"}""" },
        { """{"a":"\\#x"}""", """{"a":"\\#x"}""" },
        { """{"a":"##string"}""", """{}""" },
        { """{"a":"#notpresent"}""", """{"a":null}""" },
        { """[1,2,3]""", """[1,2]""" },
        { """[1,2]""", """[1,2,3]""" },
        { """[]""", """[]""" },
        { """{}""", """{"b":1}""" },
        { Nested(64), Nested(64) },
        { Nested(64), Nested(65) },
    };

    [Theory]
    [MemberData(nameof(EdgeBodies))]
    public void EdgeBodiesGetTheFullComparisonsResult(string expectedJson, string actual)
    {
        foreach (var options in new[] { MatchOptions.Default, new MatchOptions(MatchMode.Lenient, Tolerance: 0.5m, MaxMismatches: 1) })
        {
            var full = Record(() => JsonMatcher.Explain(ExpectedBody.Parse(expectedJson, options), actual, null, CancellationToken.None));

            var result = Record(() => JsonMatcher.Match(ExpectedBody.Parse(expectedJson, options), actual));

            Assert.Equal(full, result);
        }
    }

    [Fact]
    public void LoneSurrogateInTheResponseTextGetsTheFullComparisonsResult()
    {
        var actual = "{\"a\":\"x\ud800\"}";
        var expected = ExpectedBody.Parse("""{"a":"x"}""");

        Assert.False(StreamingMatch.Matches(expected, actual, null, CancellationToken.None));
        Assert.Equal(Record(() => JsonMatcher.Explain(expected, actual, null, CancellationToken.None)), Record(() => JsonMatcher.Match(expected, actual)));
    }

    [Theory]
    [InlineData("""{"b":[1,{"c":"x"}],"a":1}""")]
    [InlineData("""{ "a" : 1.0 , "b" : [ 1e0 , { "c" : "\u0078" } ] }""")]
    [InlineData("""{"a":1,"b":[1,{"c":"x"}],"extra":{"deep":[1]}}""")]
    public void SameValuesInAnotherLayoutMatchWithoutTheFullComparison(string actual)
    {
        var expected = ExpectedBody.Parse("""{"a":1,"b":[1,{"c":"x"}]}""", new MatchOptions(Ignore: [JsonPathPattern.Parse("$.extra")]));

        Assert.True(StreamingMatch.Matches(expected, actual, null, CancellationToken.None));
    }

    [Theory]
    [InlineData("""{"a":1,"b":[1,{"c":"y"}]}""", "$.b[1].c")]
    [InlineData("""{"a":1,"b":[1,{"c":"x"}],"d":2}""", "$.d")]
    [InlineData("""{"b":[1,{"c":"x","e":0}],"a":1}""", "$.b[1].e")]
    [InlineData("""{"a":1,"b":[1,{"c":"x"},2]}""", "$.b[2]")]
    public void DifferenceDeepInsideStillFallsBackToTheExplanation(string actual, string path)
    {
        var expected = ExpectedBody.Parse("""{"a":1,"b":[1,{"c":"x"}]}""");

        Assert.False(StreamingMatch.Matches(expected, actual, null, CancellationToken.None));
        Assert.Equal(path, Assert.Single(JsonMatcher.Match(expected, actual)).Path);
    }

    [Fact]
    public void ReferencesAreFilledFromCapturedValues()
    {
        var expected = ExpectedBody.Parse("""{"id":"{{id}}","name":"user {{id}}","tags":"{{tags}}","gone":"{{missing}}"}""");
        var values = new Dictionary<string, JsonElement>
        {
            ["id"] = JsonSerializer.SerializeToElement(7),
            ["tags"] = JsonSerializer.SerializeToElement(new[] { "a", "#b" }),
            ["missing"] = JsonSerializer.SerializeToElement("#notpresent"),
        };

        Assert.True(StreamingMatch.Matches(expected, """{"name":"user 7","id":7,"tags":["a","#b"]}""", values, CancellationToken.None));
        Assert.False(StreamingMatch.Matches(expected, """{"name":"user 7","id":"7","tags":["a","#b"]}""", values, CancellationToken.None));
        Assert.False(StreamingMatch.Matches(expected, """{"name":"user 7","id":7,"tags":["a","#b"],"gone":1}""", values, CancellationToken.None));
    }

    [Fact]
    public void CancelledTokenStopsALargeMatchingBody()
    {
        var body = "[" + string.Join(",", Enumerable.Range(0, 10_000).Select(i => $"{{\"k\":{i}}}")) + "]";
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => StreamingMatch.Matches(ExpectedBody.Parse(body), body, null, cancelled.Token));
    }

    /// <summary>The mismatches as text, or the exception's type: both paths must agree on either.</summary>
    private static string Record(Func<IReadOnlyList<Mismatch>> match)
    {
        try
        {
            return string.Join("\n", match());
        }
        catch (Exception e)
        {
            return e.GetType().Name;
        }
    }

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private static string Indented(string json)
    {
        using var document = JsonDocument.Parse(json);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.Default }))
        {
            document.RootElement.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The same values with every object's keys in reverse order.</summary>
    private static object? Reordered(object? value) => value switch
    {
        List<object?> array => array.Select(Reordered).ToList(),
        List<KeyValuePair<string, object?>> obj => obj.Select(p => new KeyValuePair<string, object?>(p.Key, Reordered(p.Value))).Reverse().ToList(),
        _ => value,
    };
}
