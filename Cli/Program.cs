using System.CommandLine;
using Grader.Cli.Commands;
using Grader.Cli.Staff;

// One command per file under Commands/. "test" runs on a student's own machine; the rest talk to a
// grader's REST API with a token.
var root = new RootCommand("Grader on your own machine (grader test) and for staff, through the grader's API.\n\n" + ExitCodes.Help)
{
    TestCommand.Create(Console.Out),
    LoginCommand.Create(),
    LoginCommand.CreateLogout(),
    TaskCommands.CreateSubmit(),
    TaskCommands.CreateWatch(),
    SuiteCommands.Create(),
    EvaluateCommand.Create(),
    GradesCommand.Create(),
    HostsCommand.Create(),
    AdminCommand.Create(),
};
root.Options.Add(StaffCommand.Url);
root.Options.Add(StaffCommand.Token);

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine($"grader: {error.Message}");
    }

    Console.Error.WriteLine("grader: see grader --help");
    return ExitCodes.Usage;
}

// Ctrl-C is left to the commands: evaluate asks whether to cancel the run on the server first.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
