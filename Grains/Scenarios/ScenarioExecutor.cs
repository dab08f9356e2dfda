using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Grader.Assignments;
using Grader.Tasks;

namespace Grader.Scenarios;

/// <summary>Sends a scenario's requests to the student's app and judges each answer. Every step
/// produces a result, including empty bodies (204, an empty 404), which the reference system skipped.</summary>
public sealed class ScenarioExecutor(HttpClient http, int responseLimitBytes)
{
    public async IAsyncEnumerable<StepResult> RunAsync(Uri baseAddress, Scenario scenario, int attempt, TimeSpan requestTimeout,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            yield return await RunStepAsync(baseAddress, scenario, i, attempt, requestTimeout, ct);
        }
    }

    private async Task<StepResult> RunStepAsync(Uri baseAddress, Scenario scenario, int index, int attempt, TimeSpan timeout, CancellationToken ct)
    {
        var step = scenario.Steps[index];
        var title = scenario.Steps.Count == 1 ? scenario.Title : $"{scenario.Title} (step {index + 1})";
        var requestLine = $"{step.Request.Method.ToUpperInvariant()} {step.Request.Path}";
        StepResult Result(StepOutcome outcome, int? status, string? body, IReadOnlyList<Mismatch> mismatches, string? message, TimeSpan elapsed) =>
            new(attempt, scenario.Id, index, title, !scenario.IsPublic, outcome, outcome == StepOutcome.Passed ? step.Points : 0, step.Points,
                requestLine, status, body, mismatches, message, elapsed.TotalMilliseconds, DateTimeOffset.UtcNow);

        using var request = new HttpRequestMessage(new HttpMethod(step.Request.Method.ToUpperInvariant()), new Uri(baseAddress, step.Request.Path.TrimStart('/')));
        if (step.Request.JsonBody is not null)
        {
            request.Content = new StringContent(step.Request.JsonBody, Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in step.Request.Headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var clock = Stopwatch.StartNew();
        int status;
        string body;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            status = (int)response.StatusCode;
            body = await ReadCappedAsync(response, deadline.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Result(StepOutcome.Timeout, null, null, [], $"No complete answer within {timeout.TotalSeconds:0.#} s.", clock.Elapsed);
        }
        catch (HttpRequestException e)
        {
            return Result(StepOutcome.Error, null, null, [], $"The request failed: {e.Message}{(e.InnerException is { } inner ? " (" + inner.Message + ")" : "")}", clock.Elapsed);
        }

        var elapsed = clock.Elapsed;
        var shownBody = body.Length > responseLimitBytes ? body[..responseLimitBytes] + $"… ({body.Length} chars)" : body;
        var mismatches = new List<Mismatch>();
        var expect = step.Expect;
        if (expect.Status.Count > 0 && !expect.Status.Contains(status))
        {
            mismatches.Add(new Mismatch("status", "status code mismatch", string.Join(" or ", expect.Status), status.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (expect.JsonBody is not null)
        {
            if (expect.JsonBody.Length == 0)
            {
                if (body.Length > 0)
                {
                    mismatches.Add(new Mismatch("$", "expected an empty body", "(empty)", Truncate(body)));
                }
            }
            else if (body.Trim().Length == 0)
            {
                mismatches.Add(new Mismatch("$", "expected a JSON body, got an empty one", Truncate(expect.JsonBody), "(empty)"));
            }
            else
            {
                try
                {
                    using var actual = JsonDocument.Parse(body);
                    using var expected = JsonDocument.Parse(expect.JsonBody);
                    var options = new MatchOptions(expect.Match, expect.Ignore?.Select(JsonPathPattern.Parse).ToList());
                    mismatches.AddRange(JsonMatcher.Match(expected.RootElement, actual.RootElement, options));
                }
                catch (JsonException e)
                {
                    return Result(StepOutcome.Error, status, shownBody, mismatches, $"The response is not valid JSON: {e.Message}", elapsed);
                }
            }
        }

        return mismatches.Count == 0
            ? Result(StepOutcome.Passed, status, shownBody, [], null, elapsed)
            : Result(StepOutcome.Failed, status, shownBody, mismatches, Summarise(mismatches), elapsed);
    }

    private static string Summarise(List<Mismatch> mismatches) =>
        mismatches.Count == 1 && mismatches[0].Path == "status"
            ? $"Invalid HTTP status code (received {mismatches[0].Actual}, expected {mismatches[0].Expected})."
            : $"{mismatches.Count} difference{(mismatches.Count == 1 ? "" : "s")} from the expected answer.";

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";

    /// <summary>Reads at most a few times the shown limit: enough to judge, bounded against floods.</summary>
    private async Task<string> ReadCappedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var cap = Math.Max(responseLimitBytes * 64, 4 * 1024 * 1024);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > cap)
            {
                throw new HttpRequestException($"the response is larger than {cap / 1024 / 1024} MB");
            }
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
