using System.Text;

namespace Grader.Scenarios.Execution;

/// <summary>A request as a curl command line a student can paste to reproduce a failing step against
/// their own app on localhost. POSIX shell quoting: everything in single quotes.</summary>
public static class CurlCommand
{
    public static string For(PreparedRequest request, Uri displayBase)
    {
        var command = new StringBuilder("curl -i");
        if (request.Method == "HEAD")
        {
            command.Append(" -I");
        }
        else if (request.Method != "GET" || request.Body is not null)
        {
            command.Append(" -X ").Append(request.Method);
        }

        command.Append(' ').Append(Quote(new Uri(displayBase, request.PathAndQuery.TrimStart('/')).AbsoluteUri));
        foreach (var (name, value) in request.Headers)
        {
            command.Append(" -H ").Append(Quote($"{name}: {value}"));
        }

        if (request.Body is not null)
        {
            command.Append(" -H ").Append(Quote($"Content-Type: {request.ContentType}"));
            command.Append(" --data-raw ").Append(Quote(request.Body));
        }

        return command.ToString();
    }

    public static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
