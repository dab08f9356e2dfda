using System.Globalization;
using Grader.Bench.Pipeline;

// Benchmarks report numbers; they are not tests and nothing runs them in CI.
//   dotnet run -c Release --project bench/Grader.Bench -- pipeline [runs]
var command = args.FirstOrDefault() ?? "help";
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
return command switch
{
    "pipeline" => await PipelineBenchmark.RunAsync(runs),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Grader.Bench pipeline [runs]");
    return 2;
}
