namespace Grader.Sandbox.Clones;

/// <summary>How PostgreSQL copies a template: <c>WAL_LOG</c> (the default since PostgreSQL 15) writes
/// every block to the WAL, <c>FILE_COPY</c> copies the files between two checkpoints.</summary>
public enum CloneStrategy
{
    WalLog,
    FileCopy,
}

public sealed record PoolLimits(int MaxPerAssignment, int MaxTotal, long BudgetBytes);

/// <summary>One assignment as the pool sees it in one round.</summary>
/// <param name="Queued">Its tasks waiting in line (all hosts).</param>
/// <param name="TemplateBytes">What one more clone of its template takes on disk.</param>
/// <param name="Held">Clones of it ready now.</param>
/// <param name="HeldBytes">What those take.</param>
/// <param name="Idle">Nothing of it has been queued for the idle timeout.</param>
public sealed record PoolDemand(string Assignment, int Queued, long TemplateBytes, int Held, long HeldBytes, bool Idle);

public enum PoolActionKind
{
    None,
    Clone,
    Drop,
}

public readonly record struct PoolAction(PoolActionKind Kind, string? Assignment)
{
    public static PoolAction Nothing => new(PoolActionKind.None, null);
}

/// <summary>The pool's decisions, free of PostgreSQL and Orleans: how many clones each assignment should
/// have, which strategy copies a template, and the next single step (one clone or one drop at a time,
/// so the disk budget holds at every moment, not only at the end of a round).</summary>
public static class ClonePlan
{
    public const long Megabyte = 1024 * 1024;

    public static CloneStrategy StrategyFor(long templateBytes, int fileCopyAboveMb) =>
        templateBytes > fileCopyAboveMb * Megabyte ? CloneStrategy.FileCopy : CloneStrategy.WalLog;

    public static string Sql(CloneStrategy strategy) => strategy == CloneStrategy.FileCopy ? "FILE_COPY" : "WAL_LOG";

    /// <summary>Clones each assignment should have: as many as it has queued, up to the per-assignment
    /// cap, handed out one round at a time (so a long queue cannot take the whole pool while another
    /// assignment has none), while the total and the disk budget allow.</summary>
    public static IReadOnlyDictionary<string, int> Targets(IReadOnlyList<PoolDemand> demands, PoolLimits limits)
    {
        var targets = demands.ToDictionary(d => d.Assignment, _ => 0, StringComparer.Ordinal);
        var ordered = demands.OrderByDescending(d => d.Queued).ThenBy(d => d.Assignment, StringComparer.Ordinal).ToList();
        var (count, bytes) = (0, 0L);
        for (var round = 0; round < limits.MaxPerAssignment; round++)
        {
            foreach (var d in ordered.Where(d => Math.Min(d.Queued, limits.MaxPerAssignment) > round))
            {
                if (count + 1 <= limits.MaxTotal && bytes + d.TemplateBytes <= limits.BudgetBytes)
                {
                    targets[d.Assignment]++;
                    (count, bytes) = (count + 1, bytes + d.TemplateBytes);
                }
            }
        }

        return targets;
    }

    /// <summary>Whether one more clone of this size fits next to what the pool holds.</summary>
    public static bool Fits(int heldCount, long heldBytes, long cloneBytes, PoolLimits limits) =>
        heldCount + 1 <= limits.MaxTotal && heldBytes + cloneBytes <= limits.BudgetBytes;

    /// <summary>The next step: clone for the assignment furthest below its target if it fits; else drop a
    /// surplus clone of an idle assignment, or of any assignment when another one is short and there is
    /// no room for it; else nothing.</summary>
    public static PoolAction Next(IReadOnlyList<PoolDemand> demands, PoolLimits limits)
    {
        var targets = Targets(demands, limits);
        var heldCount = demands.Sum(d => d.Held);
        var heldBytes = demands.Sum(d => d.HeldBytes);
        var shortOf = demands.Where(d => d.Held < targets[d.Assignment])
            .OrderByDescending(d => targets[d.Assignment] - d.Held).ThenByDescending(d => d.Queued).ThenBy(d => d.Assignment, StringComparer.Ordinal)
            .ToList();
        var surplus = demands.Where(d => d.Held > targets[d.Assignment])
            .OrderByDescending(d => d.Idle).ThenByDescending(d => d.Held - targets[d.Assignment]).ThenBy(d => d.Assignment, StringComparer.Ordinal)
            .ToList();
        if (shortOf.FirstOrDefault(d => Fits(heldCount, heldBytes, d.TemplateBytes, limits)) is { } next)
        {
            return new PoolAction(PoolActionKind.Clone, next.Assignment);
        }

        if (surplus.FirstOrDefault(d => d.Idle || shortOf.Count > 0) is { } extra)
        {
            return new PoolAction(PoolActionKind.Drop, extra.Assignment);
        }

        return PoolAction.Nothing;
    }
}
