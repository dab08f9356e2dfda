using System.Text.Json;

namespace Grader.Bench.Burst;

/// <summary>One live-status stream, as a browser holds it: GET /api/tasks/{id}/events until the task's
/// final view arrives. Its delay is when this client saw the final view minus when the grain recorded it
/// (the view's finishedAt), both on this machine's clock.</summary>
internal static class StreamWatcher
{
    public static async Task<StreamOutcome> WatchAsync(HttpClient client, Guid id, CancellationToken ct)
    {
        try
        {
            using var response = await client.GetAsync(new Uri($"/api/tasks/{id}/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
            {
                return new StreamOutcome(id, null, $"HTTP {(int)response.StatusCode}");
            }

            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
            var kind = "";
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    kind = line["event: ".Length..];
                }
                else if (kind == "task" && line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    var seen = DateTimeOffset.UtcNow;
                    using var view = JsonDocument.Parse(line["data: ".Length..]);
                    if (view.RootElement.TryGetProperty("finishedAt", out var finished) && finished.ValueKind == JsonValueKind.String)
                    {
                        return new StreamOutcome(id, (seen - finished.GetDateTimeOffset()).TotalMilliseconds, null);
                    }
                }
            }

            return new StreamOutcome(id, null, "the stream ended before the final status");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return new StreamOutcome(id, null, "no final status before the run's deadline");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException)
        {
            return new StreamOutcome(id, null, e.GetType().Name + ": " + e.Message);
        }
    }
}

/// <summary>A stream's end: the delay of its final event in ms, or why it never came.</summary>
internal sealed record StreamOutcome(Guid Task, double? DelayMs, string? Lost);
