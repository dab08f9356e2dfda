using System.CommandLine;
using Grader.Cli.Staff;

namespace Grader.Cli.Commands;

/// <summary><c>grader grades export ASSIGNMENT [--format csv|json] [-o FILE]</c>: the gradebook, one
/// row per student from the submission the assignment's grade rule picks, one column per scenario.</summary>
public static class GradesCommand
{
    public static Command Create()
    {
        var assignment = new Argument<string>("assignment") { Description = "The assignment id." };
        var format = new Option<string>("--format", "-f") { Description = "csv or json.", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "json");
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write to this file instead of standard output." };
        var export = new Command("export", "Export an assignment's gradebook.") { assignment, format, output };
        export.SetApiAction(async (parse, api, ct) =>
        {
            var id = Uri.EscapeDataString(parse.GetValue(assignment)!);
            var path = parse.GetValue(format) == "json" ? $"api/assignments/{id}/gradebook" : $"api/assignments/{id}/gradebook.csv";
            string text;
            try
            {
                text = await api.GetTextAsync(path, ct);
            }
            catch (CliException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
            {
                throw new CliException(ExitCodes.InvalidInput, $"there is no assignment '{parse.GetValue(assignment)}'");
            }

            if (parse.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, text, ct);
                await Console.Error.WriteLineAsync($"Written to {file.FullName}");
            }
            else
            {
                await Console.Out.WriteAsync(text);
            }

            return ExitCodes.Success;
        });
        return new Command("grades", "Grades of an assignment.") { export };
    }
}
