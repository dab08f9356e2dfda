using System.Globalization;
using Grader.Bench.Clones;
using Grader.Bench.Matcher;
using Grader.Bench.Pipeline;
using Grader.Bench.Report;
using Grader.Bench.Scale;
using Grader.Bench.Queue;

// Benchmarks that are run by hand, never by the tests:
//   dotnet run -c Release --project bench/Grader.Bench -- matcher [--size-mb N] [--seconds S]
//   dotnet run -c Release --project bench/Grader.Bench -- pipeline [runs]   (needs infra/stack.sh up and infra/images/build.sh)
//   dotnet run -c Release --project bench/Grader.Bench -- scale [tasks] [--kill-only]   (the same, plus a built Silo/bin/Release)
//   dotnet run -c Release --project bench/Grader.Bench -- queue [burst] [clients]   (needs infra/stack.sh up)
//   dotnet run -c Release --project bench/Grader.Bench -- judging [--quick]   writes bench/results/judging.md
//   dotnet run -c Release --project bench/Grader.Bench -- all [--quick]   every measure; writes bench/results/latest.md and latest.json
//   dotnet run -c Release --project bench/Grader.Bench -- clones [--quick]   (needs infra/stack.sh up and infra/images/build.sh)
var command = args.FirstOrDefault() ?? "help";
switch (command)
{
    case "matcher":
        return MatcherBenchmark.Run(args.Skip(1).ToArray());
    case "pipeline":
        return await PipelineBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10);
    case "scale":
        return await ScaleOutBenchmark.RunAsync(args.Length > 1 && args[1] != "--kill-only" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40,
            killOnly: args.Contains("--kill-only"));
    case "queue":
        return await QueueBenchmark.RunAsync(
            args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000,
            args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200);
    case "judging":
        return SuiteParsing.Run(quick: args.Contains("--quick"));
    case "all":
        return await AllCommand.RunAsync(quick: args.Contains("--quick"),
            only: args.SkipWhile(a => a != "--only").Skip(1).Take(1).SelectMany(a => a.Split(',')).ToList());
    case "clones":
        return await ClonesBenchmark.RunAsync(quick: args.Contains("--quick"));
    default:
        Console.Error.WriteLine("""
            usage: Grader.Bench <benchmark> [options]
              matcher [--size-mb N] [--seconds S]   JSON matcher throughput on ~N MB response bodies next to a plain System.Text.Json parse
              pipeline [runs]                       the grader's overhead per task next to the bare engine floor (real stack)
              scale [tasks] [--kill-only]           one host vs two hosts with separate engines, and a host killed mid-batch
                                                    (kill -> requeue, kill -> done, submit latency while the dead host is registered)
              queue [burst] [clients]               queue cost at 100 and 10,000 queued, position of the last, submit accept latency (real stack)
              judging [--quick]                     judging a step from the compiled suite vs parsing it first: parses and time per step
              all [--quick] [--only a,b]            every measure (or the named ones), each goal met or missed: bench/results/latest.md and latest.json
              clones [--quick]                      isolated task on a 1 GB template (64 MB quick): claim to container start, warm pool vs cold clone
            """);
        return command is "help" or "--help" or "-h" ? 0 : 2;
}
