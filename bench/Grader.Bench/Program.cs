using System.Globalization;
using Grader.Bench.Matcher;
using Grader.Bench.Pipeline;
using Grader.Bench.Scale;

// Benchmarks that are run by hand, never by the tests:
//   dotnet run -c Release --project bench/Grader.Bench -- matcher [--size-mb N] [--seconds S]
//   dotnet run -c Release --project bench/Grader.Bench -- pipeline [runs]   (needs infra/stack.sh up and infra/images/build.sh)
//   dotnet run -c Release --project bench/Grader.Bench -- scale [tasks]     (the same, plus a built Silo/bin/Release)
var command = args.FirstOrDefault() ?? "help";
switch (command)
{
    case "matcher":
        return MatcherBenchmark.Run(args.Skip(1).ToArray());
    case "pipeline":
        return await PipelineBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10);
    case "scale":
        return await ScaleOutBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40);
    default:
        Console.Error.WriteLine("""
            usage: Grader.Bench <benchmark> [options]
              matcher [--size-mb N] [--seconds S]   JSON matcher throughput on ~N MB response bodies next to a plain System.Text.Json parse
              pipeline [runs]                       the grader's overhead per task next to the bare engine floor (real stack)
              scale [tasks]                         one host vs two hosts with separate engines, and a host killed mid-batch
            """);
        return command is "help" or "--help" or "-h" ? 0 : 2;
}
