namespace Grader.Queue;

/// <summary>One partition of the leased queue, free of Orleans so it can be tested against
/// <see cref="FairQueue"/>: users take turns (the one served longest ago goes next) and each user's
/// tasks leave in arrival order. A dequeue only leases an entry: the user's turn counts from then on,
/// but the entry leaves only when the lease is confirmed. A returned or expired lease undoes the turn
/// and puts the entry back at its old place, as if it had never been handed out.</summary>
public sealed class QueuePartition
{
    private readonly Dictionary<Guid, Item> _items = [];
    private readonly Dictionary<string, Line> _lines = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, Item> _leases = [];
    // Users with at least one waiting entry, best head first.
    private readonly SortedSet<Line> _ranked = new(LineOrder.Instance);
    private QueueChanges _changes = new();

    public QueuePartition(IEnumerable<StoredEntry> entries, IEnumerable<KeyValuePair<string, long>> served)
    {
        foreach (var (user, turn) in served)
        {
            LineOf(user).Confirmed = turn;
            MaxTurn = Math.Max(MaxTurn, turn);
        }

        foreach (var stored in entries.OrderBy(e => e.Seq))
        {
            Add(stored);
        }
    }

    public QueuePartition()
        : this([], [])
    {
    }

    /// <summary>Entries waiting for a runner (leased ones are not counted).</summary>
    public int Count => _items.Count - _leases.Count;

    public int LeaseCount => _leases.Count;

    public long MaxSeq { get; private set; }

    public long MaxTurn { get; private set; }

    public QueueHead? Head => _ranked.Count == 0 ? null : _ranked.Min!.Head;

    public bool HasChanges => !_changes.IsEmpty;

    public IEnumerable<QueueLease> Leases => _leases.Values.Select(i => i.Lease!);

    /// <summary>Waiting entries in arrival order (for tests and diagnostics).</summary>
    public IEnumerable<QueueEntry> Waiting => _items.Values.Where(i => i.Lease is null).OrderBy(i => i.Seq).Select(i => i.Entry);

    public bool Contains(Guid taskId) => _items.ContainsKey(taskId);

    /// <summary>Adds the entry unless the task is already waiting or leased (duplicates are harmless).
    /// <paramref name="seq"/> must exceed every sequence used before.</summary>
    public bool Enqueue(QueueEntry entry, long seq)
    {
        if (_items.ContainsKey(entry.TaskId))
        {
            return false;
        }

        var stored = new StoredEntry(entry, seq);
        Add(stored);
        _changes.Entries[entry.TaskId] = stored;
        return true;
    }

    /// <summary>Leases the next entry. <paramref name="turn"/> must exceed every turn used before.</summary>
    public QueueLease? Lease(int partition, string host, long turn, DateTimeOffset expiresAt)
    {
        if (_ranked.Count == 0)
        {
            return null;
        }

        var line = _ranked.Min!;
        _ranked.Remove(line);
        var item = line.Waiting[0];
        line.Waiting.RemoveAt(0);
        item.Lease = new QueueLease(item.Entry, new QueueLeaseId(partition, Guid.NewGuid()), expiresAt);
        item.Turn = turn;
        item.Host = host;
        line.Leased.Add(item);
        _leases[item.Lease.Id.Token] = item;
        MaxTurn = Math.Max(MaxTurn, turn);
        Rank(line);
        return item.Lease;
    }

    /// <summary>The claim succeeded: the entry leaves and the user's turn is kept.</summary>
    public bool Confirm(Guid token)
    {
        if (!_leases.Remove(token, out var item))
        {
            return false;
        }

        var line = _lines[item.Entry.UserId];
        Unrank(line);
        line.Leased.Remove(item);
        line.Confirmed = Math.Max(line.Confirmed, item.Turn);
        _items.Remove(item.Entry.TaskId);
        Rank(line);
        _changes.Entries[item.Entry.TaskId] = null;
        _changes.Served[line.User] = line.Confirmed;
        return true;
    }

    /// <summary>The claim failed or the lease lapsed: the entry is back at its old place and the turn is undone.</summary>
    public bool Return(Guid token)
    {
        if (!_leases.Remove(token, out var item))
        {
            return false;
        }

        var line = _lines[item.Entry.UserId];
        Unrank(line);
        line.Leased.Remove(item);
        item.Lease = null;
        item.Host = null;
        line.Insert(item);
        Rank(line);
        return true;
    }

    /// <summary>Returns every lease that expired by <paramref name="now"/> or whose host is gone.</summary>
    public int ReturnLapsed(DateTimeOffset now, Func<string, bool> hostGone)
    {
        var lapsed = _leases.Values.Where(i => i.Lease!.ExpiresAt <= now || hostGone(i.Host!)).Select(i => i.Lease!.Id.Token).ToList();
        lapsed.ForEach(t => Return(t));
        return lapsed.Count;
    }

    /// <summary>Takes the task out, waiting or leased (a lease of a removed task can no longer be confirmed).</summary>
    public bool Remove(Guid taskId)
    {
        if (!_items.Remove(taskId, out var item))
        {
            return false;
        }

        var line = _lines[item.Entry.UserId];
        Unrank(line);
        if (item.Lease is { } lease)
        {
            _leases.Remove(lease.Id.Token);
            line.Leased.Remove(item);
        }
        else
        {
            line.Waiting.RemoveAt(line.IndexOf(item.Seq));
        }

        Rank(line);
        _changes.Entries[taskId] = null;
        return true;
    }

    /// <summary>The task's 0-based index among its user's waiting entries and the user's head, or null
    /// if it is not waiting here. Together with <see cref="CountAhead"/> over every partition this
    /// gives the place in line without simulating the rotation.</summary>
    public (int Index, QueueHead Head)? Locate(Guid taskId) =>
        _items.TryGetValue(taskId, out var item) && item.Lease is null && _lines[item.Entry.UserId] is var line
            ? (line.IndexOf(item.Seq), line.Head)
            : null;

    /// <summary>How many of this partition's waiting entries leave before the task at <paramref name="index"/>
    /// of the user whose head is <paramref name="head"/>. Users rotate in head order, so the task leaves in
    /// round index + 1: every user ranked before that user gives up to index + 1 entries first, every
    /// user after it up to index, and the user itself exactly index. O(users of this partition).</summary>
    public int CountAhead(int index, QueueHead head)
    {
        var ahead = 0;
        foreach (var line in _ranked)
        {
            ahead += Math.Min(line.Waiting.Count, line.Head < head ? index + 1 : index);
        }

        return ahead;
    }

    /// <summary>The row changes since the last call, for the writer.</summary>
    public QueueChanges TakeChanges()
    {
        var taken = _changes;
        _changes = new QueueChanges();
        return taken;
    }

    /// <summary>Puts back changes whose write failed, so the next batch carries them.</summary>
    public void RestoreChanges(QueueChanges failed) => _changes.Restore(failed);

    private void Add(StoredEntry stored)
    {
        var item = new Item(stored.Entry, stored.Seq);
        _items[stored.Entry.TaskId] = item;
        var line = LineOf(stored.Entry.UserId);
        Unrank(line);
        line.Insert(item);
        Rank(line);
        MaxSeq = Math.Max(MaxSeq, stored.Seq);
    }

    private Line LineOf(string user)
    {
        if (!_lines.TryGetValue(user, out var line))
        {
            line = new Line(user);
            _lines[user] = line;
        }

        return line;
    }

    private void Unrank(Line line)
    {
        if (line.Waiting.Count > 0)
        {
            _ranked.Remove(line);
        }
    }

    private void Rank(Line line)
    {
        if (line.Waiting.Count > 0)
        {
            _ranked.Add(line);
        }
    }

    private sealed class Item(QueueEntry entry, long seq)
    {
        public QueueEntry Entry { get; } = entry;

        public long Seq { get; } = seq;

        public QueueLease? Lease { get; set; }

        public long Turn { get; set; }

        public string? Host { get; set; }
    }

    /// <summary>One user's entries: waiting ones sorted by arrival, leased ones aside. The user's turn is
    /// the newest of its confirmed turn and its outstanding leases, so undoing a lease undoes the turn.</summary>
    private sealed class Line(string user)
    {
        public string User { get; } = user;

        public List<Item> Waiting { get; } = [];

        public List<Item> Leased { get; } = [];

        public long Confirmed { get; set; }

        public long LastServed
        {
            get
            {
                var max = Confirmed;
                foreach (var item in Leased)
                {
                    max = Math.Max(max, item.Turn);
                }

                return max;
            }
        }

        public QueueHead Head => new(LastServed, Waiting[0].Seq);

        public int IndexOf(long seq)
        {
            int lo = 0, hi = Waiting.Count - 1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                var c = Waiting[mid].Seq.CompareTo(seq);
                if (c == 0)
                {
                    return mid;
                }

                (lo, hi) = c < 0 ? (mid + 1, hi) : (lo, mid - 1);
            }

            return ~lo;
        }

        /// <summary>New entries arrive last; only a returned lease goes back into the middle.</summary>
        public void Insert(Item item)
        {
            if (Waiting.Count == 0 || Waiting[^1].Seq < item.Seq)
            {
                Waiting.Add(item);
            }
            else
            {
                Waiting.Insert(~IndexOf(item.Seq), item);
            }
        }
    }

    private sealed class LineOrder : IComparer<Line>
    {
        public static readonly LineOrder Instance = new();

        public int Compare(Line? x, Line? y)
        {
            var c = x!.Head.CompareTo(y!.Head);
            return c != 0 ? c : string.CompareOrdinal(x.User, y.User);
        }
    }
}
