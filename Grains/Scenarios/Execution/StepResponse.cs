namespace Grader.Scenarios.Execution;

/// <summary>What the app answered: status, headers (names case-insensitive, repeated values joined) and body.</summary>
public sealed record StepResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public static async Task<StepResponse> ReadAsync(HttpResponseMessage response, int capBytes, CancellationToken ct)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            headers[name] = string.Join(", ", values);
        }

        return new StepResponse((int)response.StatusCode, headers, await ReadCappedAsync(response, capBytes, ct));
    }

    /// <summary>Reads at most the cap: enough to judge, bounded against floods.</summary>
    private static async Task<string> ReadCappedAsync(HttpResponseMessage response, int cap, CancellationToken ct)
    {
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

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
