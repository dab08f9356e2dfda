using System.Text;
using Grader.Sandbox;

namespace Grader.Evaluations;

/// <summary>Reads the class list of an evaluation (RFC 4180 CSV with a header row). A bad line is reported
/// with its number and left out, so one typo does not hold back the class; a bad header or an unclosed
/// quote rejects the whole file, since no line of it can be trusted then.</summary>
public static class EvaluationCsv
{
    private static readonly string[] UserColumns = ["user", "username", "login", "student", "email"];
    private static readonly string[] ImageColumns = ["image", "docker image", "image link", "docker", "link"];

    public sealed record Result(IReadOnlyList<EvaluationRow> Rows, IReadOnlyList<string> Errors);

    public static Result Parse(string text)
    {
        var errors = new List<string>();
        List<(int Line, List<string> Fields)> records;
        try
        {
            records = ReadRecords(text);
        }
        catch (FormatException e)
        {
            return new Result([], [e.Message]);
        }

        records = records.Where(r => r.Fields.Any(f => f.Trim().Length > 0)).ToList();
        if (records.Count == 0)
        {
            return new Result([], ["The file is empty: expected a header row with a user column and an image column."]);
        }

        var header = records[0].Fields.Select(h => h.Trim()).ToList();
        var userColumn = header.FindIndex(h => UserColumns.Contains(h.ToLowerInvariant()));
        var imageColumn = header.FindIndex(h => ImageColumns.Contains(h.ToLowerInvariant()));
        if (userColumn < 0)
        {
            errors.Add($"line 1: no user column; name one of: {string.Join(", ", UserColumns)}.");
        }

        if (imageColumn < 0)
        {
            errors.Add($"line 1: no image column; name one of: {string.Join(", ", ImageColumns)}.");
        }

        if (errors.Count > 0)
        {
            return new Result([], errors);
        }

        var rows = new List<EvaluationRow>();
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var (line, fields) in records.Skip(1))
        {
            if (fields.Count != header.Count)
            {
                errors.Add($"line {line}: {fields.Count} fields, but the header has {header.Count}.");
                continue;
            }

            var user = fields[userColumn].Trim();
            if (user.Length == 0)
            {
                errors.Add($"line {line}: the user is empty.");
                continue;
            }

            if (seen.TryGetValue(user, out var first))
            {
                errors.Add($"line {line}: user '{user}' already appears on line {first}.");
                continue;
            }

            seen[user] = line;
            if (!ImageReference.TryParse(fields[imageColumn], out var image, out var imageError))
            {
                errors.Add($"line {line}: {imageError}");
                continue;
            }

            var extra = new Dictionary<string, string>();
            for (var i = 0; i < header.Count; i++)
            {
                if (i != userColumn && i != imageColumn)
                {
                    extra[header[i]] = fields[i];
                }
            }

            rows.Add(new EvaluationRow(line, user, image.ToString(), extra));
        }

        return new Result(rows, errors);
    }

    /// <summary>Quotes a field for CSV output when it needs it. A leading =, +, - or @ is prefixed with
    /// an apostrophe, so a student-chosen value never runs as a spreadsheet formula.</summary>
    public static string Field(string? value)
    {
        var text = value ?? "";
        if (text.Length > 0 && "=+-@".Contains(text[0], StringComparison.Ordinal))
        {
            text = "'" + text;
        }

        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    public static string Line(IEnumerable<string?> fields) => string.Join(',', fields.Select(Field));

    private static List<(int, List<string>)> ReadRecords(string text)
    {
        var records = new List<(int, List<string>)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var inQuotes = false;
        var quotedLine = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    inQuotes = false;
                }
                else
                {
                    line += c == '\n' ? 1 : 0;
                    field.Append(c);
                }
            }
            else if (c == '"' && field.ToString().Trim().Length == 0)
            {
                inQuotes = true;
                quotedLine = line;
                field.Clear();
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                fields.Add(field.ToString());
                field.Clear();
                records.Add((recordLine, fields));
                fields = [];
                line++;
                recordLine = line;
            }
            else
            {
                field.Append(c);
            }
        }

        if (inQuotes)
        {
            throw new FormatException($"line {quotedLine}: a quoted field is never closed.");
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add((recordLine, fields));
        }

        return records;
    }
}
