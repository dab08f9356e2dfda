using System.Data.Common;
using System.Net;
using System.Text;
using Grader.Scenarios.Execution;

namespace Grader.UnitTests.Scenarios.Execution;

/// <summary>An app in memory: each request goes to a function, and every request is recorded.</summary>
internal sealed class FakeApp(Func<HttpRequestMessage, string?, Task<HttpResponseMessage>> handle) : HttpMessageHandler
{
    public List<(string Method, string Url, string? Body)> Requests { get; } = [];

    public HttpClient Client() => new(this);

    public static HttpResponseMessage Json(HttpStatusCode status, string json, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add((request.Method.Method, request.RequestUri!.PathAndQuery, body));
        return await handle(request, body).WaitAsync(cancellationToken);
    }
}

/// <summary>SQL checks answered from a function, recording what they were asked.</summary>
internal sealed class FakeSqlChecks(Func<string, string?, string> rows) : ISqlChecks
{
    public List<(string Query, string? Parameters)> Queries { get; } = [];

    public Task<string> QueryRowsAsync(string query, string? parametersJson, CancellationToken ct)
    {
        Queries.Add((query, parametersJson));
        return Task.FromResult(rows(query, parametersJson));
    }
}

internal sealed class FakeDbException(string message) : DbException(message);
