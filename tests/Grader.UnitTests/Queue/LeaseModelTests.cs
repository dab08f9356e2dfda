using Grader.Queue;

namespace Grader.UnitTests.Queue;

/// <summary>Random sequences of enqueues, leases, confirms, returns, expiries, removals, partial writes
/// and crashes, run against a partition and against a deliberately naive model. The partition must hand
/// out what the model says, and a crash may lose only what was never acknowledged.</summary>
public class LeaseModelTests
{
    private static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(10);

    [Fact]
    public void LeasedPartitionMatchesTheModelThroughCrashesAndExpiry()
    {
        var random = new Random(4242);
        for (var run = 0; run < 400; run++)
        {
            new Run(random, run).Execute(random.Next(1, 120));
        }
    }

    [Fact]
    public void AnEntryWhoseClaimFailedIsFirstInLineAtOnce()
    {
        var partition = new QueuePartition();
        var now = DateTimeOffset.UnixEpoch;
        partition.Enqueue(PartitionedQueueTests.Entry("alice", 1), 1);
        partition.Enqueue(PartitionedQueueTests.Entry("bob", 2), 2);
        var lease = partition.Lease(0, "host-a", 3, now + LeaseTime)!;

        Assert.True(partition.Return(lease.Id.Token));

        Assert.Equal((0, new QueueHead(0, 1)), partition.Locate(lease.Entry.TaskId));
        Assert.Equal(lease.Entry, partition.Lease(0, "host-b", 4, now + LeaseTime)!.Entry);
    }

    [Fact]
    public void ALeaseOfADeadHostIsReturnedBeforeItExpires()
    {
        var partition = new QueuePartition();
        var now = DateTimeOffset.UnixEpoch;
        partition.Enqueue(PartitionedQueueTests.Entry("alice", 1), 1);
        partition.Enqueue(PartitionedQueueTests.Entry("bob", 2), 2);
        var dead = partition.Lease(0, "dead", 3, now + LeaseTime)!;
        var alive = partition.Lease(0, "alive", 4, now + LeaseTime)!;

        Assert.Equal(1, partition.ReturnLapsed(now, host => host == "dead"));

        Assert.Equal(1, partition.Count);
        Assert.True(partition.Confirm(alive.Id.Token));
        Assert.False(partition.Confirm(dead.Id.Token));
        Assert.Equal(dead.Entry, partition.Waiting.Single());
    }

    private sealed class Run(Random random, int run)
    {
        // What the database holds: only what a write batch carried.
        private readonly Dictionary<Guid, StoredEntry> _rows = [];
        private readonly Dictionary<string, long> _servedRows = [];
        // Tasks whose enqueue was acknowledged (written) and that were not confirmed or removed since.
        private readonly HashSet<Guid> _mustSurvive = [];
        private readonly Model _model = new();
        private readonly List<QueueLease> _held = [];
        private readonly string[] _users = Enumerable.Range(0, random.Next(1, 6)).Select(i => $"u{run}-{i}").ToArray();
        private QueuePartition _partition = new();
        private QueueChanges? _inFlight;
        private DateTimeOffset _now = DateTimeOffset.UnixEpoch;
        private long _clock;

        public void Execute(int operations)
        {
            for (var op = 0; op < operations; op++)
            {
                Step(random.Next(100));
                Assert.Equal(_model.Waiting.Count, _partition.Count);
                Assert.Equal(_model.Next()?.Entry, PeekByLeasing());
                foreach (var id in _mustSurvive)
                {
                    Assert.True(_partition.Contains(id), $"run {run}: acknowledged task {id} was lost");
                }
            }
        }

        private void Step(int roll)
        {
            switch (roll)
            {
                case < 30:
                    var entry = new QueueEntry(Guid.NewGuid(), _users[random.Next(_users.Length)], _now);
                    var seq = ++_clock;
                    Assert.True(_partition.Enqueue(entry, seq));
                    _model.Enqueue(entry, seq);
                    Assert.False(_partition.Enqueue(entry, ++_clock));
                    break;
                case < 50:
                    var expected = _model.Next();
                    var lease = _partition.Lease(0, "h" + random.Next(3), ++_clock, _now + LeaseTime);
                    Assert.Equal(expected?.Entry, lease?.Entry);
                    if (lease is not null)
                    {
                        _model.Lease(lease.Id.Token, expected!, _clock, lease.ExpiresAt);
                        _held.Add(lease);
                    }

                    break;
                case < 62 when _held.Count > 0:
                    var confirmed = Take();
                    if (_model.Confirm(confirmed.Id.Token))
                    {
                        Assert.True(_partition.Confirm(confirmed.Id.Token));
                        _mustSurvive.Remove(confirmed.Entry.TaskId);
                    }
                    else
                    {
                        Assert.False(_partition.Confirm(confirmed.Id.Token));
                    }

                    break;
                case < 70 when _held.Count > 0:
                    var returned = Take();
                    Assert.Equal(_model.Return(returned.Id.Token), _partition.Return(returned.Id.Token));
                    break;
                case < 76:
                    _now += TimeSpan.FromSeconds(random.Next(1, 8));
                    Assert.Equal(_model.Expire(_now), _partition.ReturnLapsed(_now, _ => false));
                    break;
                case < 80 when _model.All.Count > 0:
                    var victim = _model.All[random.Next(_model.All.Count)];
                    Assert.True(_partition.Remove(victim));
                    Assert.True(_model.Remove(victim));
                    _mustSurvive.Remove(victim);
                    Assert.False(_partition.Remove(victim));
                    break;
                case < 90:
                    WriteBatch(fails: random.Next(5) == 0);
                    break;
                case < 95:
                    // A batch goes out but the process dies before hearing back: it may or may not have landed.
                    _inFlight = _partition.TakeChanges();
                    if (random.Next(2) == 0)
                    {
                        Apply(_inFlight, acknowledged: false);
                    }

                    Crash();
                    break;
                default:
                    Crash();
                    break;
            }
        }

        private QueueLease Take()
        {
            var lease = _held[random.Next(_held.Count)];
            _held.Remove(lease);
            return lease;
        }

        private void WriteBatch(bool fails)
        {
            var changes = _partition.TakeChanges();
            if (fails)
            {
                _partition.RestoreChanges(changes);
                return;
            }

            Apply(changes, acknowledged: true);
        }

        private void Apply(QueueChanges changes, bool acknowledged)
        {
            foreach (var (taskId, stored) in changes.Entries)
            {
                if (stored is null)
                {
                    _rows.Remove(taskId);
                    _mustSurvive.Remove(taskId);
                }
                else
                {
                    _rows[taskId] = stored;
                    if (acknowledged)
                    {
                        _mustSurvive.Add(taskId);
                    }
                }
            }

            foreach (var (user, turn) in changes.Served)
            {
                _servedRows[user] = Math.Max(turn, _servedRows.GetValueOrDefault(user));
            }
        }

        /// <summary>Everything in memory is gone; the partition and the model start again from the rows.</summary>
        private void Crash()
        {
            _partition = new QueuePartition(_rows.Values, _servedRows);
            _model.Reload(_rows.Values, _servedRows);
            _held.Clear();
            _clock = Math.Max(_clock, Math.Max(_partition.MaxSeq, _partition.MaxTurn));
        }

        /// <summary>What the partition would hand out next, without changing it.</summary>
        private QueueEntry? PeekByLeasing()
        {
            var lease = _partition.Lease(0, "peek", _clock + 1, _now + LeaseTime);
            if (lease is not null)
            {
                _partition.Return(lease.Id.Token);
            }

            return lease?.Entry;
        }
    }

    /// <summary>The rule stated as plainly as possible: scan every waiting entry; a user's turn is the
    /// newest of its confirmed turn and its outstanding leases; lowest turn first, then oldest arrival.</summary>
    private sealed class Model
    {
        private readonly Dictionary<Guid, (Waiting Item, long Turn, DateTimeOffset ExpiresAt)> _leases = [];
        private readonly Dictionary<string, long> _confirmed = [];

        public List<Waiting> Waiting { get; } = [];

        public List<Guid> All => Waiting.Select(w => w.Entry.TaskId).Concat(_leases.Values.Select(l => l.Item.Entry.TaskId)).ToList();

        public void Enqueue(QueueEntry entry, long seq) => Waiting.Add(new Waiting(entry, seq));

        public Waiting? Next() => Waiting
            .OrderBy(w => TurnOf(w.Entry.UserId))
            .ThenBy(w => w.Seq)
            .FirstOrDefault();

        public void Lease(Guid token, Waiting item, long turn, DateTimeOffset expiresAt)
        {
            Waiting.Remove(item);
            _leases[token] = (item, turn, expiresAt);
        }

        public bool Confirm(Guid token)
        {
            if (!_leases.Remove(token, out var lease))
            {
                return false;
            }

            var user = lease.Item.Entry.UserId;
            _confirmed[user] = Math.Max(lease.Turn, _confirmed.GetValueOrDefault(user));
            return true;
        }

        public bool Return(Guid token)
        {
            if (!_leases.Remove(token, out var lease))
            {
                return false;
            }

            Waiting.Add(lease.Item);
            return true;
        }

        public int Expire(DateTimeOffset now)
        {
            var lapsed = _leases.Where(l => l.Value.ExpiresAt <= now).Select(l => l.Key).ToList();
            lapsed.ForEach(t => Return(t));
            return lapsed.Count;
        }

        public bool Remove(Guid taskId)
        {
            var lease = _leases.FirstOrDefault(l => l.Value.Item.Entry.TaskId == taskId);
            return (lease.Value.Item is not null && _leases.Remove(lease.Key)) | Waiting.RemoveAll(w => w.Entry.TaskId == taskId) > 0;
        }

        public void Reload(IEnumerable<StoredEntry> rows, IReadOnlyDictionary<string, long> served)
        {
            _leases.Clear();
            Waiting.Clear();
            Waiting.AddRange(rows.Select(r => new Waiting(r.Entry, r.Seq)));
            _confirmed.Clear();
            foreach (var (user, turn) in served)
            {
                _confirmed[user] = turn;
            }
        }

        private long TurnOf(string user) =>
            _leases.Values.Where(l => l.Item.Entry.UserId == user).Select(l => l.Turn).Append(_confirmed.GetValueOrDefault(user)).Max();
    }

    private sealed record Waiting(QueueEntry Entry, long Seq);
}
