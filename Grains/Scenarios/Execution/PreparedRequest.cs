using System.Net.Http.Headers;
using System.Text;
using Grader.Assignments;
using System.Text.Json;

namespace Grader.Scenarios.Execution;

/// <summary>A step's request with every variable filled in: what is sent, shown and turned into curl.</summary>
public sealed record PreparedRequest(string Method, string PathAndQuery, IReadOnlyList<KeyValuePair<string, string>> Headers, string? Body, string ContentType)
{
    public string Line => $"{Method} {PathAndQuery}";

    public static PreparedRequest From(StepRequest request, IReadOnlyDictionary<string, JsonElement> values)
    {
        var path = Variables.Fill(request.Path, values, Uri.EscapeDataString);
        if (request.Query is { Count: > 0 } query)
        {
            var pairs = query.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(Variables.Fill(p.Value, values))}");
            path += (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + string.Join('&', pairs);
        }

        var headers = new List<KeyValuePair<string, string>>();
        var contentType = request.JsonBody is not null ? "application/json" : "text/plain; charset=utf-8";
        foreach (var (name, value) in request.Headers ?? new Dictionary<string, string>())
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = Variables.Fill(value, values);
            }
            else
            {
                headers.Add(new(name, Variables.Fill(value, values)));
            }
        }

        var body = request.JsonBody is not null ? Variables.FillJson(request.JsonBody, values)
            : request.RawBody is not null ? Variables.Fill(request.RawBody, values)
            : null;
        return new PreparedRequest(request.Method.ToUpperInvariant(), path, headers, body, contentType);
    }

    public HttpRequestMessage ToMessage(Uri baseAddress)
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), new Uri(baseAddress, PathAndQuery.TrimStart('/')));
        if (Body is not null)
        {
            message.Content = new StringContent(Body, Encoding.UTF8);
            message.Content.Headers.ContentType = MediaTypeHeaderValue.TryParse(ContentType, out var type) ? type : new MediaTypeHeaderValue("application/octet-stream");
        }

        foreach (var (name, value) in Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (!Headers.Any(h => h.Key.Equals("Accept", StringComparison.OrdinalIgnoreCase)))
        {
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        }

        return message;
    }
}
