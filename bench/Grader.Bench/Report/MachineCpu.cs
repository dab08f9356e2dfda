using System.Globalization;

namespace Grader.Bench.Report;

/// <summary>The whole machine's CPU counters from /proc/stat, in clock ticks (USER_HZ, 100 on Linux).</summary>
internal static class MachineCpu
{
    public const double MsPerTick = 10;

    /// <summary>Ticks spent busy (all but idle and iowait) and in all, since boot, over every core.</summary>
    public static (long Busy, long Total) Read()
    {
        // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"; guest time is already in user.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Sum();
        return (total - fields[3] - fields[4], total);
    }
}
