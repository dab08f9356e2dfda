using Grader.Assignments;
using Grader.Scenarios;
using Grader.Scenarios.Execution;
using Grader.Scenarios.Reports;
using Grader.Scenarios.Suites;
using Grader.Tasks;

namespace Grader.Cli.Testing;

/// <summary>One local run of a suite's public scenarios, in the grader's order, through the grader's
/// executor, printed with the grader's verdict lines.</summary>
public static class SuiteRun
{
    public const int AllPassed = 0;
    public const int SomeFailed = 1;
    public const int UsageError = 2;

    // The grader keeps this much of a response per step (Docker:ResponseLimitBytes' default).
    private const int ResponseLimitBytes = 16 * 1024;

    public static async Task<int> RunAsync(string suiteText, string fileName, Uri baseUrl, ISqlChecks? sqlChecks, TimeSpan requestTimeout,
        TextWriter output, CancellationToken ct)
    {
        var parsed = SuiteParser.Parse(suiteText, fileName);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await output.WriteLineAsync(error.ToString());
            }

            return UsageError;
        }

        var order = new AssignmentDefinition("local", "local", DatabaseMode.None, null, [], new Dictionary<string, string>(), baseUrl.Port, null, 0,
            (int)requestTimeout.TotalSeconds, new ResourceLimits(), parsed.Scenarios);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var executor = new ScenarioExecutor(http, ResponseLimitBytes, sqlChecks, baseUrl);
        var results = new List<StepResult>();
        var root = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        foreach (var scenario in order.ScenariosFor(includePrivate: false))
        {
            await foreach (var step in executor.RunAsync(root, scenario, 1, requestTimeout, ct))
            {
                results.Add(step);
                foreach (var line in VerdictText.Lines(step))
                {
                    await output.WriteLineAsync(line);
                }
            }
        }

        await output.WriteLineAsync(VerdictText.Total(results));
        return results.All(r => r.Outcome == StepOutcome.Passed) ? AllPassed : SomeFailed;
    }
}
