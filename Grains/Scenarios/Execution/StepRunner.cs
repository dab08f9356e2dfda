using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using Grader.Assignments;
using Grader.Tasks;

namespace Grader.Scenarios.Execution;

/// <summary>Runs one step against the app: fills in variables, sends the request within the step's
/// timeout, judges the answer within the judging deadline, takes the captures and runs the SQL checks;
/// retries as the step asks.</summary>
/// <param name="judgingTimeout">How long comparing one response may take: the request timeout ends when
/// the answer has arrived, and a huge or deeply nested answer must not hold the host's CPU.</param>
public sealed class StepRunner(HttpClient http, int responseCapBytes, ISqlChecks? sqlChecks, TimeSpan judgingTimeout)
{
    public async Task<StepRun> RunAsync(CompiledStep compiled, IReadOnlyDictionary<string, JsonElement> values, Uri baseAddress, TimeSpan defaultTimeout, CancellationToken ct)
    {
        var step = compiled.Step;
        var attempts = Math.Max(1, step.Retry?.Attempts ?? 1);
        var clock = Stopwatch.StartNew();
        for (var tries = 1; ; tries++)
        {
            var run = await TryOnceAsync(compiled, values, baseAddress, defaultTimeout, ct);
            if (run.Outcome == StepOutcome.Passed || tries >= attempts)
            {
                var message = tries > 1 && run.Message is not null ? $"{run.Message} (after {tries} tries)" : run.Message;
                return run with { Message = message, Elapsed = clock.Elapsed, Tries = tries };
            }

            await Task.Delay(TimeSpan.FromSeconds(step.Retry!.IntervalSeconds), ct);
        }
    }

    private async Task<StepRun> TryOnceAsync(CompiledStep compiled, IReadOnlyDictionary<string, JsonElement> values, Uri baseAddress, TimeSpan defaultTimeout, CancellationToken ct)
    {
        var step = compiled.Step;
        var request = PreparedRequest.From(step.Request, values);
        var timeout = step.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : defaultTimeout;
        var noCaptures = new Dictionary<string, JsonElement>();
        // The compiled matcher never needs the expected text, so it is filled in only for the
        // side-by-side diff of a step that did not pass.
        StepRun Ended(StepOutcome outcome, StepResponse? response, List<Mismatch> mismatches, string? message, Dictionary<string, JsonElement>? captured = null) =>
            new(outcome, request, response, mismatches, message, captured ?? noCaptures, TimeSpan.Zero, 1,
                outcome == StepOutcome.Passed || string.IsNullOrEmpty(step.Expect.JsonBody) ? null : Variables.FillJson(step.Expect.JsonBody, values));

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
        using (var judging = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            judging.CancelAfter(judgingTimeout);
            try
            {
                mismatches = ResponseJudge.Judge(compiled, values, response, judging.Token);
            }
            catch (JsonException e)
            {
                return Ended(StepOutcome.Error, response, [], $"The response is not valid JSON: {e.Message}");
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return Ended(StepOutcome.Error, response, [],
                    $"Comparing the response took longer than {judgingTimeout.TotalSeconds:0.#} s, so judging stopped: the response is too large or too deeply nested to compare.");
            }
        }

        var captured = CaptureExtractor.Extract(step.Captures ?? [], compiled.CapturePaths, response, mismatches);
        if (compiled.SqlChecks is { Count: > 0 } checks)
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
    private async Task<string?> RunSqlChecksAsync(IReadOnlyList<CompiledSqlCheck> checks, Dictionary<string, JsonElement> scope, List<Mismatch> mismatches, CancellationToken ct)
    {
        if (sqlChecks is null)
        {
            return "This step has SQL checks, but the attempt has no database to run them on.";
        }

        for (var i = 0; i < checks.Count; i++)
        {
            var check = checks[i].Check;
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

            foreach (var mismatch in JsonMatcher.Match(checks[i].Rows, rows, scope, ct))
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
