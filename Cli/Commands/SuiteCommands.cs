using System.CommandLine;
using Grader.Cli.Staff;

namespace Grader.Cli.Commands;

/// <summary><c>grader suite validate|upload ASSIGNMENT FILE</c>: the server checks the file against the
/// assignment (so SQL checks without a database are caught too); every error is printed as
/// file:line:column: message, and nothing is stored unless the whole file is valid.</summary>
public static class SuiteCommands
{
    public static Command Create()
    {
        return new Command("suite", "Validate or upload an assignment's scenario suite (YAML or JSON).")
        {
            Make("validate", "Check a suite against the assignment without storing it.", "validate", HttpMethod.Post, "is valid"),
            Make("upload", "Replace the assignment's suite with the file; nothing is stored unless it is valid.", "", HttpMethod.Put, "stored"),
        };
    }

    private static Command Make(string name, string description, string path, HttpMethod method, string done)
    {
        var assignment = new Argument<string>("assignment") { Description = "The assignment id." };
        var file = new Argument<FileInfo>("file") { Description = "The suite file; errors are reported under its name." };
        var command = new Command(name, description) { assignment, file };
        command.SetApiAction(async (parse, api, ct) =>
        {
            var suite = parse.GetValue(file)!;
            var text = await StaffCommand.ReadFileAsync(suite, ct);
            var id = Uri.EscapeDataString(parse.GetValue(assignment)!);
            var route = $"api/assignments/{id}/suite{(path.Length > 0 ? "/" + path : "")}?file={Uri.EscapeDataString(suite.Name)}";
            try
            {
                var summary = await api.SendTextAsync(method, route, text, "application/yaml", ct);
                Console.WriteLine($"{suite.Name} {done}: {summary.GetProperty("scenarios").GetInt32()} scenarios, {summary.GetProperty("points").GetDecimal():0.##} points.");
                return ExitCodes.Success;
            }
            catch (CliException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
            {
                throw new CliException(ExitCodes.InvalidInput, $"there is no assignment '{parse.GetValue(assignment)}'");
            }
            catch (CliException e) when (e.Status == System.Net.HttpStatusCode.BadRequest && e.Lines.Count > 0)
            {
                // One line per error, file:line:column: message, as editors and CI logs link them.
                foreach (var line in e.Lines)
                {
                    await Console.Error.WriteLineAsync(line);
                }

                await Console.Error.WriteLineAsync($"grader: {suite.Name} was rejected with {e.Lines.Count} error{(e.Lines.Count == 1 ? "" : "s")}; nothing stored");
                return ExitCodes.InvalidInput;
            }
        });
        return command;
    }
}
