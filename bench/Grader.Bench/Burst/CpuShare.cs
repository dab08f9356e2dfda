using System.Diagnostics;
using System.Globalization;
using Grader.Bench.Report;

namespace Grader.Bench.Burst;

/// <summary>Who used the machine's cores over a stretch of the run: the whole machine, the web and silo
/// processes, and this benchmark's own clients; the rest is the engine, the containers and PostgreSQL.
/// It tells whether a slow accept waited on the web tier's own work or on a machine busy grading.</summary>
internal sealed class CpuShare
{
    private readonly Process[] _processes;
    private readonly (long Busy, long Total) _machine;
    private readonly TimeSpan[] _used;
    private readonly long _started = Stopwatch.GetTimestamp();

    private CpuShare(Process[] processes)
    {
        _processes = processes;
        _machine = MachineCpu.Read();
        _used = [.. processes.Select(Used)];
    }

    /// <summary>Starts counting for the web process, the silo process and this one.</summary>
    public static CpuShare Start(Process web, Process silo) => new([web, silo, Process.GetCurrentProcess()]);

    /// <summary>Cores used since the start, on average.</summary>
    public CoresUsed Stop()
    {
        var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var (busy, total) = MachineCpu.Read();
        var machine = (double)(busy - _machine.Busy) / Math.Max(1, total - _machine.Total) * Environment.ProcessorCount;
        var used = _processes.Select((p, i) => (Used(p) - _used[i]).TotalSeconds / seconds).ToArray();
        return new CoresUsed(machine, used[0], used[1], used[2], Math.Max(0, machine - used.Sum()));
    }

    private static TimeSpan Used(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }
}

/// <summary>Average cores in use; <paramref name="Others"/> is the engine, the containers and PostgreSQL.</summary>
internal sealed record CoresUsed(double Machine, double Web, double Silo, double Bench, double Others)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"the machine was busy {Machine:0.00} of its {Environment.ProcessorCount} cores: web {Web:0.00}, silo {Silo:0.00}, this benchmark's clients {Bench:0.00}, the rest (engine, containers, PostgreSQL) {Others:0.00}");
}
