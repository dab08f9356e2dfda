using System.Diagnostics;
using System.Globalization;

namespace Grader.Bench.Burst;

/// <summary>Who used the machine's cores over a stretch of the run, from /proc: the whole machine, the
/// web and silo processes, and this benchmark's own clients; the rest is the engine, the containers and
/// PostgreSQL. It tells whether a slow accept waited on the web tier's own work or on a machine busy grading.</summary>
internal sealed class CpuShare
{
    private readonly Process[] _processes;
    private readonly (long Busy, long Total) _machine;
    private readonly long[] _jiffies;
    private readonly long _started = Stopwatch.GetTimestamp();

    private CpuShare(Process[] processes)
    {
        _processes = processes;
        _machine = Machine();
        _jiffies = [.. processes.Select(Jiffies)];
    }

    /// <summary>Starts counting for the web process, the silo process and this one.</summary>
    public static CpuShare Start(Process web, Process silo) => new([web, silo, Process.GetCurrentProcess()]);

    /// <summary>Cores used since the start, on average.</summary>
    public CoresUsed Stop()
    {
        var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var (busy, total) = Machine();
        var machine = (double)(busy - _machine.Busy) / Math.Max(1, total - _machine.Total) * Environment.ProcessorCount;
        // USER_HZ is 100 on every Linux build this runs on.
        var used = _processes.Select((p, i) => (Jiffies(p) - _jiffies[i]) / 100.0 / seconds).ToArray();
        return new CoresUsed(machine, used[0], used[1], used[2], Math.Max(0, machine - used.Sum()));
    }

    private static (long Busy, long Total) Machine()
    {
        // "cpu user nice system idle iowait irq softirq steal ..."; idle and iowait are not busy.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Sum();
        return (total - fields[3] - fields[4], total);
    }

    private static long Jiffies(Process process)
    {
        // The command name may hold spaces: the fields after it start past the last ')'; utime and stime are fields 14 and 15.
        var stat = File.ReadAllText($"/proc/{process.Id}/stat");
        var after = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(after[11], CultureInfo.InvariantCulture) + long.Parse(after[12], CultureInfo.InvariantCulture);
    }
}

/// <summary>Average cores in use; <paramref name="Others"/> is the engine, the containers and PostgreSQL.</summary>
internal sealed record CoresUsed(double Machine, double Web, double Silo, double Bench, double Others)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"the machine was busy {Machine:0.00} of its {Environment.ProcessorCount} cores: web {Web:0.00}, silo {Silo:0.00}, this benchmark's clients {Bench:0.00}, the rest (engine, containers, PostgreSQL) {Others:0.00}");
}
