using System.Net;
using System.Text;
using Grader.Scenarios.Execution;
using Grader.Scenarios.Suites;
using Grader.UnitTests.Scenarios.Execution;

namespace Grader.UnitTests.Scenarios;

/// <summary>The matcher's bounds: wide objects, the mismatch cap, cancellation and the judging deadline.</summary>
public class JsonMatcherLimitsTests
{
    private const int WideKeys = 300_000;

    private static string WideObject(int keys, int changed = -1)
    {
        var text = new StringBuilder("{");
        for (var i = 0; i < keys; i++)
        {
            text.Append(i == 0 ? "" : ",").Append("\"k").Append(i).Append("\":").Append(i == changed ? -1 : i);
        }

        return text.Append('}').ToString();
    }

    [Fact]
    public void WideObjectWithOneChangedValueGivesExactlyThatMismatch()
    {
        var expected = ExpectedBody.Parse(WideObject(WideKeys));

        var mismatch = Assert.Single(JsonMatcher.Match(expected, WideObject(WideKeys, changed: 123_456)));

        Assert.Equal(("$.k123456", "value mismatch", "123456", "-1"), (mismatch.Path, mismatch.Reason, mismatch.Expected, mismatch.Actual));
    }

    [Fact]
    public void WideObjectInReverseKeyOrderEqualsItself()
    {
        var reversed = "{" + string.Join(",", Enumerable.Range(0, WideKeys).Reverse().Select(i => $"\"k{i}\":{i}")) + "}";

        Assert.Empty(JsonMatcher.Match(ExpectedBody.Parse(WideObject(WideKeys)), reversed));
    }

    [Theory]
    [InlineData(50)]
    [InlineData(3)]
    public void UnexpectedKeysStopAtTheMismatchCap(int cap)
    {
        var mismatches = JsonMatcher.Match("""{"k0": 0}""", WideObject(WideKeys), new MatchOptions(MaxMismatches: cap));

        Assert.Equal(cap, mismatches.Count);
        Assert.All(mismatches, m => Assert.Equal("unexpected key", m.Reason));
        Assert.Equal("$.k1", mismatches[0].Path);
    }

    [Fact]
    public void CapCountsMismatchesAcrossNestedValues()
    {
        var expected = "[" + string.Join(",", Enumerable.Range(0, 1000).Select(i => $"{{\"a\":{i},\"b\":{i}}}")) + "]";
        var actual = "[" + string.Join(",", Enumerable.Range(0, 1000).Select(i => $"{{\"a\":-1,\"b\":-1}}")) + "]";

        var mismatches = JsonMatcher.Match(expected, actual, new MatchOptions(MaxMismatches: 5));

        Assert.Equal(["$[0].a", "$[0].b", "$[1].a", "$[1].b", "$[2].a"], mismatches.Select(m => m.Path));
    }

    [Fact]
    public void CancelledTokenStopsTheComparison()
    {
        using var document = JsonDocument.Parse(WideObject(WideKeys));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => JsonMatcher.Match(ExpectedBody.From(document.RootElement), document.RootElement, ct: cancelled.Token));
    }

    [Fact]
    public void SmallBodiesFinishBeforeTheTokenIsLookedAt()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Empty(JsonMatcher.Match(ExpectedBody.Parse("""{"a":[1,2]}"""), """{"a":[1,2]}""", ct: cancelled.Token));
    }

    [Fact]
    public async Task StepPastTheJudgingDeadlineIsAnErrorThatSaysSo()
    {
        // Big enough (millions of pattern tries) that judging outlasts the 1 ms deadline however late the
        // deadline's timer fires on a busy machine; with 300 items it once finished before the timer did.
        var body = "[" + string.Join(",", Enumerable.Range(0, 3000).Select(i => $"\"v{i}\"")) + "]";
        var scenario = SuiteParser.Parse($$"""
            version: 1
            scenarios:
              - id: slow
                title: Slow
                steps:
                  - request: { method: GET, path: /list }
                    expect: { status: 200, unordered: [$], body: {{JsonSerializer.Serialize(Enumerable.Range(0, 3001).Select(i => "#regex v\\d+x"))}} }
            """).Scenarios.Single();
        var app = new FakeApp((_, _) => Task.FromResult(FakeApp.Json(HttpStatusCode.OK, body)));
        var executor = new ScenarioExecutor(app.Client(), 1024, judgingTimeout: TimeSpan.FromMilliseconds(1), suites: new CompiledSuiteCache());

        var results = new List<StepResult>();
        await foreach (var result in executor.RunAsync(new Uri("http://10.0.0.5:8000/"), scenario, 1, TimeSpan.FromSeconds(5), CancellationToken.None))
        {
            results.Add(result);
        }

        var step = Assert.Single(results);
        Assert.Equal(StepOutcome.Error, step.Outcome);
        Assert.StartsWith("Comparing the response took longer than 0 s, so judging stopped", step.Message);
    }
}
