using System.Globalization;
using System.Text.Json;
using Grader.Assignments;
using Grader.Scenarios;
using Grader.Scenarios.Execution;

namespace Grader.Bench.Matcher;

/// <summary>Proves that judging a step does not parse the suite: a step with the benchmark's expected body,
/// ignore and unordered paths, a header matcher and a capture is judged many times through the compiled
/// suite cache, counting the expected texts parsed and the bytes allocated per judged step.</summary>
internal static class SuiteParsing
{
    private const int Steps = 50;

    public static void Report(string expectedBody, string responseBody)
    {
        var step = new ScenarioStep(new StepRequest("GET", "/items"),
            new StepExpectation([200], expectedBody, Ignore: ["$..created_at"], Unordered: ["$.items[*].tags"],
                Headers: new Dictionary<string, string> { ["Content-Type"] = "#regex application/json.*" }),
            Captures: [new StepCapture("status", "$.status")]);
        var scenario = new Scenario("bench", "Benchmark", true, 0, [step]);
        var response = new StepResponse(200, new Dictionary<string, string> { ["Content-Type"] = "application/json" }, responseBody);
        var values = new Dictionary<string, JsonElement>();
        var cache = new CompiledSuiteCache();

        var parsesBefore = ExpectedBody.Parses;
        var first = cache.Get(scenario).Steps[0];
        var compileParses = ExpectedBody.Parses - parsesBefore;
        _ = ResponseJudge.Judge(first, values, response, CancellationToken.None);

        parsesBefore = ExpectedBody.Parses;
        // A later run of the same suite revision asks the cache again, as the executor does once per scenario.
        var again = cache.Get(scenario).Steps[0];
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Steps; i++)
        {
            _ = ResponseJudge.Judge(again, values, response, CancellationToken.None);
        }

        var perStepBytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / Steps;
        var judgingParses = ExpectedBody.Parses - parsesBefore;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Suite parsing: compiling the step parsed {compileParses} expected text(s); {Steps} judged steps parsed {judgingParses} (goal 0); {perStepBytes / 1024.0:0} KiB allocated per judged step for a {responseBody.Length / 1024.0 / 1024:0.00} MB response."));
    }
}
