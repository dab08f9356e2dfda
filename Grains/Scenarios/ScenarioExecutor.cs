using System.Text.Json;
using Grader.Assignments;
using Grader.Scenarios.Execution;
using Grader.Tasks;

namespace Grader.Scenarios;

/// <summary>Runs a scenario against the student's app: setup, the scored steps, then teardown, sharing
/// captured variables. Every step produces a result, including empty bodies (204, an empty 404), which
/// the reference system skipped. A step that needs a value a failed step should have captured is
/// reported blocked; when setup fails, every scored step is.</summary>
/// <param name="displayBase">Where the student runs the app themselves (http://localhost:port/), for curl.</param>
/// <param name="suites">Where compiled scenarios are kept; a scenario is compiled once per revision, not per run.</param>
/// <param name="judgingTimeout">How long comparing one response may take.</param>
public sealed class ScenarioExecutor(HttpClient http, int responseLimitBytes, ISqlChecks? sqlChecks = null, Uri? displayBase = null,
    CompiledSuiteCache? suites = null, TimeSpan? judgingTimeout = null)
{
    public static readonly TimeSpan DefaultJudgingTimeout = TimeSpan.FromSeconds(5);

    private readonly StepRunner _runner = new(http, responseLimitBytes, sqlChecks, judgingTimeout ?? DefaultJudgingTimeout);
    private readonly CompiledSuiteCache _suites = suites ?? CompiledSuiteCache.Shared;

    public async IAsyncEnumerable<StepResult> RunAsync(Uri baseAddress, Scenario scenario, int attempt, TimeSpan requestTimeout,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var compiled = _suites.Get(scenario);
        var context = new Context(scenario, attempt, baseAddress, requestTimeout);
        string? setupFailed = null;
        for (var i = 0; i < compiled.Setup.Count; i++)
        {
            var result = await RunOrBlockAsync(context, StepKind.Setup, i, compiled.Setup[i], null, ct);
            if (result.Outcome != StepOutcome.Passed)
            {
                setupFailed ??= $"Blocked: setup step {i + 1} did not pass ({result.Outcome.ToString().ToLowerInvariant()}).";
            }

            yield return result;
        }

        for (var i = 0; i < compiled.Steps.Count; i++)
        {
            yield return await RunOrBlockAsync(context, StepKind.Step, i, compiled.Steps[i], setupFailed, ct);
        }

        for (var i = 0; i < compiled.Teardown.Count; i++)
        {
            // Teardown runs even after failures: it exists to clean up whatever did happen.
            yield return await RunOrBlockAsync(context, StepKind.Teardown, i, compiled.Teardown[i], null, ct);
        }
    }

    private async Task<StepResult> RunOrBlockAsync(Context context, StepKind kind, int index, CompiledStep compiled, string? blockedBecause, CancellationToken ct)
    {
        var step = compiled.Step;
        var ownCaptures = (step.Captures ?? []).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var needed = StepVariables.NeededBefore(step).Concat(StepVariables.NeededBySqlChecks(step).Where(n => !ownCaptures.Contains(n)));
        blockedBecause ??= needed.Select(context.WhyUnavailable).FirstOrDefault(reason => reason is not null);
        if (blockedBecause is not null)
        {
            context.Lose(step, $"{Label(kind, index, step)}, which was blocked");
            return context.Result(kind, index, step, StepOutcome.Blocked, $"{step.Request.Method.ToUpperInvariant()} {step.Request.Path}",
                null, null, [], blockedBecause, TimeSpan.Zero, null, null);
        }

        var run = await _runner.RunAsync(compiled, context.Values, context.BaseAddress, context.RequestTimeout, ct);
        if (run.Outcome == StepOutcome.Passed)
        {
            context.Keep(run.Captured);
        }
        else
        {
            context.Lose(step, $"{Label(kind, index, step)}, which {(run.Outcome == StepOutcome.Failed ? "failed" : "ended with " + run.Outcome.ToString().ToLowerInvariant())}");
        }

        var body = run.Response?.Body;
        var shownBody = body is not null && body.Length > responseLimitBytes ? body[..responseLimitBytes] + $"… ({body.Length} chars)" : body;
        var curl = run.Outcome == StepOutcome.Passed ? null : CurlCommand.For(run.Request, displayBase ?? new Uri("http://localhost:8000/"));
        var captures = run.Captured.Count == 0 ? null : run.Captured.ToDictionary(c => c.Key, c => c.Value.GetRawText());
        var headers = run.Request.Headers.Select(h => $"{h.Key}: {h.Value}")
            .Concat(run.Request.Body is null ? [] : [$"Content-Type: {run.Request.ContentType}"]).ToList();
        return context.Result(kind, index, step, run.Outcome, run.Request.Line, run.Response?.Status, shownBody, run.Mismatches, run.Message,
            run.Elapsed, curl, captures) with
        {
            RequestHeaders = headers.Count == 0 ? null : string.Join('\n', headers),
            RequestBody = run.Request.Body,
            ExpectedBody = run.Outcome == StepOutcome.Passed ? null : run.ExpectedBody,
        };
    }

    private static string Label(StepKind kind, int index, ScenarioStep step) =>
        $"{(kind == StepKind.Step ? "step" : kind.ToString().ToLowerInvariant() + " step")} {index + 1}{(step.Title is null ? "" : $" ({step.Title})")}";

    /// <summary>One scenario run's variables: values captured by passed steps, and for names whose latest
    /// producer did not pass, which step that was (so a blocked step can say why).</summary>
    private sealed class Context(Scenario scenario, int attempt, Uri baseAddress, TimeSpan requestTimeout)
    {
        private readonly Dictionary<string, string> _lost = new(StringComparer.Ordinal);

        public Dictionary<string, JsonElement> Values { get; } = new(StringComparer.Ordinal);

        public Uri BaseAddress => baseAddress;

        public TimeSpan RequestTimeout => requestTimeout;

        public string? WhyUnavailable(string name) =>
            Values.ContainsKey(name) ? null
            : _lost.TryGetValue(name, out var producer) ? $"Blocked: needs {{{{{name}}}}} from {producer}."
            : $"Blocked: needs {{{{{name}}}}}, which no earlier step captured.";

        public void Keep(Dictionary<string, JsonElement> captured)
        {
            foreach (var (name, value) in captured)
            {
                Values[name] = value;
                _lost.Remove(name);
            }
        }

        public void Lose(ScenarioStep step, string producer)
        {
            foreach (var capture in step.Captures ?? [])
            {
                Values.Remove(capture.Name);
                _lost[capture.Name] = producer;
            }
        }

        public StepResult Result(StepKind kind, int index, ScenarioStep step, StepOutcome outcome, string request, int? status, string? body,
            IReadOnlyList<Mismatch> mismatches, string? message, TimeSpan elapsed, string? curl, Dictionary<string, string>? captures)
        {
            var maxPoints = kind == StepKind.Step ? step.Points : 0;
            return new StepResult(attempt, scenario.Id, index, Title(kind, index, step), !scenario.IsPublic, outcome,
                outcome == StepOutcome.Passed ? maxPoints : 0, maxPoints, request, status, body, mismatches.ToList(), message,
                elapsed.TotalMilliseconds, DateTimeOffset.UtcNow, kind, curl, captures);
        }

        private string Title(StepKind kind, int index, ScenarioStep step) => kind switch
        {
            StepKind.Setup => $"{scenario.Title} (setup {index + 1}{(step.Title is null ? "" : ": " + step.Title)})",
            StepKind.Teardown => $"{scenario.Title} (teardown {index + 1}{(step.Title is null ? "" : ": " + step.Title)})",
            _ when step.Title is not null => $"{scenario.Title}: {step.Title}",
            _ when scenario.Steps.Count == 1 => scenario.Title,
            _ => $"{scenario.Title} (step {index + 1})",
        };
    }
}
