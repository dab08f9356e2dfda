using System.CommandLine;
using Grader.Cli.Commands;

// One command per file under Commands/; staff commands join the same root later.
var root = new RootCommand("Grader on your own machine: run an assignment's public scenarios against your app.")
{
    TestCommand.Create(Console.Out),
};
return await root.Parse(args).InvokeAsync();
