using System.Globalization;
using System.Text;
using Grader.Tasks;

namespace Grader.Cli.Staff;

/// <summary>One student's line of an evaluation's protocol CSV.</summary>
public sealed record ProtocolLine(string User, GradingStatus? Status, decimal Score, decimal MaxScore);

/// <summary>Reads the protocol CSV (RFC 4180, header first) for the columns the exit code needs.</summary>
public static class ProtocolSheet
{
    public static IReadOnlyList<ProtocolLine> Read(string csv)
    {
        var records = Records(csv).Where(r => r.Any(f => f.Length > 0)).ToList();
        if (records.Count == 0)
        {
            return [];
        }

        var header = records[0];
        int Column(string name) => header.IndexOf(name) is >= 0 and var i ? i : throw new CliException(ExitCodes.Unreachable, $"the protocol has no '{name}' column");
        var (user, status, score, max) = (Column("user"), Column("status"), Column("score"), Column("max_score"));
        return records.Skip(1).Select(r => new ProtocolLine(
            r.ElementAtOrDefault(user) ?? "",
            Enum.TryParse<GradingStatus>(r.ElementAtOrDefault(status), out var s) ? s : null,
            Number(r.ElementAtOrDefault(score)),
            Number(r.ElementAtOrDefault(max)))).ToList();
    }

    private static decimal Number(string? text) =>
        decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static List<List<string>> Records(string csv)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                record.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                record.Add(field.ToString().TrimEnd('\r'));
                field.Clear();
                records.Add(record);
                record = [];
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            records.Add(record);
        }

        return records;
    }
}
