using Grader.Queue;

namespace Grader.Queue;

/// <summary>The queue's ordering rule, free of Orleans so it can be unit-tested: users take turns
/// (the one served longest ago goes next), and each user's own tasks leave in submission order.
/// A student who submits ten times cannot push a classmate's single task to the back.</summary>
public sealed class FairQueue
{
    private readonly List<QueueEntry> _entries;
    private readonly Dictionary<string, long> _lastServed;
    private long _turn;

    public FairQueue(IEnumerable<QueueEntry> entries, IReadOnlyDictionary<string, long> lastServed, long turn)
    {
        _entries = entries.ToList();
        _lastServed = new Dictionary<string, long>(lastServed);
        _turn = turn;
    }

    public FairQueue()
        : this([], new Dictionary<string, long>(), 0)
    {
    }

    public IReadOnlyList<QueueEntry> Entries => _entries;

    public IReadOnlyDictionary<string, long> LastServed => _lastServed;

    public long Turn => _turn;

    public int Count => _entries.Count;

    /// <summary>Adds the entry unless the task is already waiting (duplicate deliveries are harmless).</summary>
    public bool Enqueue(QueueEntry entry)
    {
        if (_entries.Any(e => e.TaskId == entry.TaskId))
        {
            return false;
        }

        _entries.Add(entry);
        return true;
    }

    public bool Remove(Guid taskId) => _entries.RemoveAll(e => e.TaskId == taskId) > 0;

    public QueueEntry? Dequeue()
    {
        var next = PeekNext(_entries, _lastServed);
        if (next is null)
        {
            return null;
        }

        _entries.Remove(next);
        _lastServed[next.UserId] = ++_turn;
        return next;
    }

    /// <summary>How many tasks leave before this one, if nothing else arrives.</summary>
    public int? PositionOf(Guid taskId)
    {
        if (_entries.All(e => e.TaskId != taskId))
        {
            return null;
        }

        var simulation = new FairQueue(_entries, _lastServed, _turn);
        for (var position = 0; ; position++)
        {
            if (simulation.Dequeue()!.TaskId == taskId)
            {
                return position;
            }
        }
    }

    private static QueueEntry? PeekNext(List<QueueEntry> entries, Dictionary<string, long> lastServed)
    {
        QueueEntry? best = null;
        long bestServed = 0;
        foreach (var entry in entries)
        {
            var served = lastServed.GetValueOrDefault(entry.UserId, 0);
            // Entries are in arrival order, so the first entry seen per user is that user's oldest.
            if (best is null || served < bestServed)
            {
                best = entry;
                bestServed = served;
            }
        }

        return best;
    }
}
