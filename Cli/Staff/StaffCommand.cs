using System.CommandLine;

namespace Grader.Cli.Staff;

/// <summary>What every staff command shares: the <c>--url</c> and <c>--token</c> options (on the root,
/// for every subcommand), and one way to end, an exit code with at most one line on stderr.</summary>
public static class StaffCommand
{
    public static readonly Option<string?> Url = new("--url")
    {
        Description = $"The grader's address (default: ${Connection.UrlVariable}, then the one grader login stored).",
        Recursive = true,
    };

    public static readonly Option<string?> Token = new("--token")
    {
        Description = $"An API token (default: ${Connection.TokenVariable}, then the one grader login stored).",
        Recursive = true,
    };

    /// <summary>Runs <paramref name="action"/> with a client for the resolved server and token.</summary>
    public static void SetApiAction(this Command command, Func<ParseResult, GraderApi, CancellationToken, Task<int>> action) =>
        command.SetAction((parse, ct) => RunAsync(async () =>
        {
            var (url, token) = Connection.Resolve(parse.GetValue(Url), parse.GetValue(Token), Environment.GetEnvironmentVariable,
                () => CliConfig.Read(CliConfig.DefaultPath(Environment.GetEnvironmentVariable)));
            using var api = new GraderApi(url, token);
            return await action(parse, api, ct);
        }));

    /// <summary>A <see cref="CliException"/> becomes its line on stderr and its exit code; a file that
    /// cannot be read is invalid input; anything else (an answer the CLI did not expect) is reported as
    /// the server's failure, in one line too: a stack trace helps nobody running a script.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (CliException e)
        {
            await Console.Error.WriteLineAsync($"grader: {e.Message}");
            return e.ExitCode;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"grader: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"grader: unexpected answer ({e.GetType().Name}: {e.Message})");
            return ExitCodes.Unreachable;
        }
    }

    public static async Task<string> ReadFileAsync(FileInfo file, CancellationToken ct) =>
        file.Exists
            ? await File.ReadAllTextAsync(file.FullName, ct)
            : throw new CliException(ExitCodes.Usage, $"the file {file.FullName} does not exist");
}
