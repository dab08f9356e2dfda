using Grader.Bench.Matcher;

// Benchmarks that are run by hand, never by the tests: dotnet run -c Release --project bench/Grader.Bench -- matcher
var command = args.FirstOrDefault() ?? "help";
switch (command)
{
    case "matcher":
        return MatcherBenchmark.Run(args.Skip(1).ToArray());
    case "pipeline":
        Console.Error.WriteLine("The pipeline benchmark is not implemented yet (it will live in bench/Grader.Bench/Pipeline/). No numbers are reported.");
        return 3;
    default:
        Console.Error.WriteLine("""
            usage: Grader.Bench <benchmark> [options]
              matcher [--size-mb N] [--seconds S]   JSON matcher throughput on ~N MB response bodies next to a plain System.Text.Json parse
              pipeline                              end-to-end grading throughput (not implemented yet)
            """);
        return command is "help" or "--help" or "-h" ? 0 : 2;
}
