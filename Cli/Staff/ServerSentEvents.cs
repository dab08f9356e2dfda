using System.Runtime.CompilerServices;
using System.Text;

namespace Grader.Cli.Staff;

public sealed record ServerSentEvent(string Type, string Data);

/// <summary>Reads a text/event-stream: <c>event:</c> and <c>data:</c> lines up to a blank line make one
/// event; comments (<c>: still here</c>) and other fields are skipped.</summary>
public static class ServerSentEvents
{
    public static async IAsyncEnumerable<ServerSentEvent> ReadAsync(TextReader reader, [EnumeratorCancellation] CancellationToken ct)
    {
        var type = "message";
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    yield return new ServerSentEvent(type, data.ToString());
                }

                (type, data) = ("message", new StringBuilder());
                continue;
            }

            if (line.StartsWith(':'))
            {
                continue;
            }

            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            value = value.StartsWith(' ') ? value[1..] : value;
            if (field == "event")
            {
                type = value;
            }
            else if (field == "data")
            {
                data.Append(data.Length > 0 ? "\n" : "").Append(value);
            }
        }
    }
}
