using System.CommandLine;
using Grader.Cli.Testing;

namespace Grader.Cli.Commands;

/// <summary><c>grader test --suite suite.yaml --base-url http://localhost:8000</c>.</summary>
public static class TestCommand
{
    public static Command Create(TextWriter output)
    {
        var suite = new Option<FileInfo>("--suite") { Description = "The suite file (YAML or JSON); only its public scenarios run.", Required = true };
        var baseUrl = new Option<Uri>("--base-url")
        {
            Description = "Where your app listens.",
            DefaultValueFactory = _ => new Uri("http://localhost:8000/"),
            CustomParser = result => Uri.TryCreate(result.Tokens.Single().Value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? uri
                : Invalid<Uri>(result, $"'{result.Tokens.Single().Value}' is not an http:// or https:// address"),
        };
        var database = new Option<string?>("--database")
        {
            Description = "Connection string for the SQL checks (default: the DATABASE_HOST, DATABASE_PORT, DATABASE_NAME, DATABASE_USER and DATABASE_PASSWORD variables, if set).",
        };
        var timeout = new Option<int>("--request-timeout") { Description = "Seconds per request, as the assignment sets it.", DefaultValueFactory = _ => 10 };
        var command = new Command("test", "Run the public scenarios of a suite against your app, with the grader's executor, matcher and output.")
        {
            suite, baseUrl, database, timeout,
        };
        command.SetAction(async (parse, ct) =>
        {
            var file = parse.GetValue(suite)!;
            if (!file.Exists)
            {
                await output.WriteLineAsync($"error: the suite file {file.FullName} does not exist");
                return SuiteRun.UsageError;
            }

            var text = await File.ReadAllTextAsync(file.FullName, ct);
            var checks = SqlChecksFactory.From(parse.GetValue(database), Environment.GetEnvironmentVariable);
            return await SuiteRun.RunAsync(text, file.Name, parse.GetValue(baseUrl)!, checks, TimeSpan.FromSeconds(parse.GetValue(timeout)), output, ct);
        });
        return command;
    }

    private static T Invalid<T>(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return default!;
    }
}
