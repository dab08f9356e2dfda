using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using Grader.Assignments;
using Grader.Tasks;

namespace Grader.Scenarios.Execution;

/// <summary>Runs one step against the app: fills in variables, sends the request within the step's
/// timeout, judges the answer, takes the captures and runs the SQL checks; retries as the step asks.</summary>
public sealed class StepRunner(HttpClient http, int responseCapBytes, ISqlChecks? sqlChecks)
{
    public async Task<StepRun> RunAsync(ScenarioStep step, IReadOnlyDictionary<string, JsonElement> values, Uri baseAddress, TimeSpan defaultTimeout, CancellationToken ct)
    {
        var attempts = Math.Max(1, step.Retry?.Attempts ?? 1);
        var clock = Stopwatch.StartNew();
        for (var tries = 1; ; tries++)
        {
            var run = await TryOnceAsync(step, values, baseAddress, defaultTimeout, ct);
            if (run.Outcome == StepOutcome.Passed || tries >= attempts)
            {
                var message = tries > 1 && run.Message is not null ? $"{run.Message} (after {tries} tries)" : run.Message;
                return run with { Message = message, Elapsed = clock.Elapsed, Tries = tries };
            }

            await Task.Delay(TimeSpan.FromSeconds(step.Retry!.IntervalSeconds), ct);
        }
    }

    private async Task<StepRun> TryOnceAsync(ScenarioStep step, IReadOnlyDictionary<string, JsonElement> values, Uri baseAddress, TimeSpan defaultTimeout, CancellationToken ct)
    {
        var request = PreparedRequest.From(step.Request, values);
        var timeout = step.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : defaultTimeout;
        var noCaptures = new Dictionary<string, JsonElement>();
        string? expectedBody = null;
        StepRun Ended(StepOutcome outcome, StepResponse? response, List<Mismatch> mismatches, string? message, Dictionary<string, JsonElement>? captured = null) =>
            new(outcome, request, response, mismatches, message, captured ?? noCaptures, TimeSpan.Zero, 1, expectedBody);

        StepResponse response;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            deadline.CancelAfter(timeout);
            try
            {
                using var message = request.ToMessage(baseAddress);
                using var answer = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
                response = await StepResponse.ReadAsync(answer, Math.Max(responseCapBytes * 64, 4 * 1024 * 1024), deadline.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return Ended(StepOutcome.Timeout, null, [], $"No complete answer within {timeout.TotalSeconds:0.#} s.");
            }
            catch (HttpRequestException e)
            {
                return Ended(StepOutcome.Error, null, [], $"The request failed: {e.Message}{(e.InnerException is { } inner ? " (" + inner.Message + ")" : "")}");
            }
        }

        List<Mismatch> mismatches;
        try
        {
            expectedBody = string.IsNullOrEmpty(step.Expect.JsonBody) ? step.Expect.JsonBody : Variables.FillJson(step.Expect.JsonBody, values);
            var expect = step.Expect with { Headers = step.Expect.Headers?.ToDictionary(h => h.Key, h => Variables.Fill(h.Value, values)) };
            mismatches = ResponseJudge.Judge(expect, expectedBody, response);
        }
        catch (JsonException e)
        {
            return Ended(StepOutcome.Error, response, [], $"The response is not valid JSON: {e.Message}");
        }

        var captured = CaptureExtractor.Extract(step.Captures ?? [], response, mismatches);
        if (step.SqlChecks is { Count: > 0 } checks)
        {
            var scope = new Dictionary<string, JsonElement>(values);
            foreach (var (name, value) in captured)
            {
                scope[name] = value;
            }

            var error = await RunSqlChecksAsync(checks, scope, mismatches, ct);
            if (error is not null)
            {
                return Ended(StepOutcome.Error, response, mismatches, error, captured);
            }
        }

        return mismatches.Count == 0
            ? Ended(StepOutcome.Passed, response, mismatches, null, captured)
            : Ended(StepOutcome.Failed, response, mismatches, Summarise(mismatches), captured);
    }

    /// <summary>Adds each check's mismatches under <c>sql[n]</c>; returns a message when a query could
    /// not run at all, which is an error rather than a wrong answer.</summary>
    private async Task<string?> RunSqlChecksAsync(IReadOnlyList<SqlCheck> checks, Dictionary<string, JsonElement> scope, List<Mismatch> mismatches, CancellationToken ct)
    {
        if (sqlChecks is null)
        {
            return "This step has SQL checks, but the attempt has no database to run them on.";
        }

        for (var i = 0; i < checks.Count; i++)
        {
            var check = checks[i];
            var label = $"sql[{i + 1}]";
            var missing = Variables.UsedInJson(check.Parameters).Concat(Variables.UsedInJson(check.ExpectedRows)).FirstOrDefault(n => !scope.ContainsKey(n));
            if (missing is not null)
            {
                mismatches.Add(new Mismatch(label, $"not run: {{{{{missing}}}}} was not captured", null, null));
                continue;
            }

            string rows;
            try
            {
                rows = await sqlChecks.QueryRowsAsync(check.Query, check.Parameters is null ? null : Variables.FillJson(check.Parameters, scope), ct);
            }
            catch (DbException e)
            {
                return $"SQL check {i + 1}{(check.Title is null ? "" : $" ({check.Title})")} could not run: {e.Message}";
            }

            var options = new MatchOptions(check.Match, ResponseJudge.Patterns(check.Ignore), check.Unordered ? [JsonPathPattern.Parse("$")] : null);
            foreach (var mismatch in JsonMatcher.Match(Variables.FillJson(check.ExpectedRows, scope), rows, options))
            {
                mismatches.Add(mismatch with { Path = $"{label} {mismatch.Path}", Reason = check.Title is null ? mismatch.Reason : $"{mismatch.Reason} ({check.Title})" });
            }
        }

        return null;
    }

    private static string Summarise(List<Mismatch> mismatches) =>
        mismatches.Count == 1 && mismatches[0].Path == "status"
            ? $"Invalid HTTP status code (received {mismatches[0].Actual}, expected {mismatches[0].Expected})."
            : $"{mismatches.Count} difference{(mismatches.Count == 1 ? "" : "s")} from the expected answer.";
}
