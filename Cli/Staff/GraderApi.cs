using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Grader.Cli.Staff;

/// <summary>The REST API as the CLI uses it: every call sends the bearer token, and every failure
/// becomes a <see cref="CliException"/> with one readable line and the exit code it means.</summary>
public sealed class GraderApi(Uri baseUrl, string? token, HttpMessageHandler? handler = null) : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly HttpClient _http = CreateClient(baseUrl, token, handler);

    public Uri BaseUrl => baseUrl;

    public HttpClient Http => _http;

    public async Task<JsonElement> GetJsonAsync(string path, CancellationToken ct) =>
        await ReadJsonAsync(await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct), ct);

    public async Task<T> GetJsonAsync<T>(string path, CancellationToken ct) =>
        (await GetJsonAsync(path, ct)).Deserialize<T>(Json)!;

    public async Task<string> GetTextAsync(string path, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct);
        return await response.Content.ReadAsStringAsync(ct);
    }

    public async Task<JsonElement> PostJsonAsync(string path, object? body, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json");
        }

        return await ReadJsonAsync(await SendAsync(request, ct), ct);
    }

    public async Task<JsonElement> SendTextAsync(HttpMethod method, string path, string text, string contentType, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(text, Encoding.UTF8, contentType) };
        return await ReadJsonAsync(await SendAsync(request, ct), ct);
    }

    /// <summary>Sends the request; answers only with a success, anything else is thrown as the line to show.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, ct);
        }
        catch (HttpRequestException e)
        {
            throw new CliException(ExitCodes.Unreachable, $"cannot reach {baseUrl}: {e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Unreachable, $"{baseUrl} did not answer in time");
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            throw new CliException(ExitCodes.ForStatus(response.StatusCode), Describe(response.StatusCode, request, body), response.StatusCode, ProblemLines(body));
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>One line from a problem-details answer (its detail, or its validation errors), else the status.</summary>
    public static string Describe(HttpStatusCode status, HttpRequestMessage request, string body)
    {
        var what = $"{request.Method} {request.RequestUri?.AbsolutePath}";
        var lines = ProblemLines(body);
        if (status == HttpStatusCode.Unauthorized)
        {
            return lines.Count > 0 ? string.Join("; ", lines) : "the server refused the token (wrong, expired or revoked): run grader login again";
        }

        var text = lines.Count > 0 ? string.Join("; ", lines) : $"{(int)status} {status}";
        return status == HttpStatusCode.Forbidden ? $"forbidden: {text}" : $"{what}: {text}";
    }

    /// <summary>A problem-details body's validation errors, one per line, else its detail or title.</summary>
    public static IReadOnlyList<string> ProblemLines(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return [];
            }

            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                return errors.EnumerateObject().SelectMany(p => p.Value.EnumerateArray().Select(e => e.GetString() ?? "")).ToList();
            }

            foreach (var name in new[] { "detail", "title" })
            {
                if (root.TryGetProperty(name, out var value) && value.GetString() is { Length: > 0 } line)
                {
                    return [line];
                }
            }
        }
        catch (JsonException)
        {
            // Not problem details: the status says it.
        }

        return [];
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (text.Length == 0)
            {
                return default;
            }

            try
            {
                using var document = JsonDocument.Parse(text);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                throw new CliException(ExitCodes.Unreachable, $"{response.RequestMessage?.RequestUri} did not answer with JSON: is {response.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Authority)} a grader?");
            }
        }
    }

    private static HttpClient CreateClient(Uri baseUrl, string? token, HttpMessageHandler? handler)
    {
        // No overall timeout (a task's event stream lasts minutes), but an address that does not answer fails fast.
        var http = handler is null
            ? new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) })
            : new HttpClient(handler, disposeHandler: false);
        http.BaseAddress = baseUrl;
        http.Timeout = Timeout.InfiniteTimeSpan;
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("grader-cli", "1"));
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }
}
