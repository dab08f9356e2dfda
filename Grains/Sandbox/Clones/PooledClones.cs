namespace Grader.Sandbox.Clones;

/// <summary>This host's clones ready for claims. A clone is handed out at most once: a take removes it
/// under the lock, and its name stays reserved (so no sweeper drops it) until the claim has renamed it
/// to the attempt's name. Names being cloned are reserved the same way.</summary>
public sealed class PooledClones
{
    private readonly Lock _gate = new();
    private readonly List<PooledClone> _ready = [];
    private readonly HashSet<string> _reserved = new(StringComparer.Ordinal);
    private readonly HashSet<Guid> _arriving = [];
    private long _hits;
    private long _misses;

    /// <summary>Raised after every take, so the filler can start the next clone at once.</summary>
    public event Action? Taken;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _ready.Count;
            }
        }
    }

    /// <summary>Claims served from the pool and claims that had to clone, since this process started.</summary>
    public (long Hits, long Misses) Claimed => (Interlocked.Read(ref _hits), Interlocked.Read(ref _misses));

    /// <summary>A task this host is claiming, or has claimed, whose attempt has not asked for its database
    /// yet. The read model no longer counts it as queued, so without this the pool would see a surplus and
    /// drop the clone the attempt is about to take.</summary>
    public void Expect(Guid taskId)
    {
        lock (_gate)
        {
            _arriving.Add(taskId);
        }
    }

    /// <summary>The task took its clone (or missed), or its claim or attempt ended; safe to call again.</summary>
    public void Arrived(Guid taskId)
    {
        lock (_gate)
        {
            _arriving.Remove(taskId);
        }
    }

    /// <summary>Whether some claim is between the queue and its database; the filler drops nothing meanwhile.</summary>
    public bool ClaimsArriving
    {
        get
        {
            lock (_gate)
            {
                return _arriving.Count > 0;
            }
        }
    }

    public IReadOnlyList<PooledClone> Snapshot()
    {
        lock (_gate)
        {
            return [.. _ready];
        }
    }

    /// <summary>A name that must survive a sweep: ready, being made, or taken and not yet renamed.</summary>
    public bool Holds(string name)
    {
        lock (_gate)
        {
            return _reserved.Contains(name);
        }
    }

    public void Reserve(string name)
    {
        lock (_gate)
        {
            _reserved.Add(name);
        }
    }

    /// <summary>The name is gone (renamed by a claim, or dropped).</summary>
    public void Release(string name)
    {
        lock (_gate)
        {
            _reserved.Remove(name);
            _ready.RemoveAll(c => c.Name == name);
        }
    }

    public void Add(PooledClone clone)
    {
        lock (_gate)
        {
            _reserved.Add(clone.Name);
            _ready.Add(clone);
        }
    }

    /// <summary>Takes a ready clone away from the pool so that nothing else can take it; true if it was
    /// still there (a claim may have taken it first).</summary>
    public bool TryWithdraw(string name)
    {
        lock (_gate)
        {
            return _ready.RemoveAll(c => c.Name == name) > 0;
        }
    }

    /// <summary>The oldest ready clone made for exactly this key, taken out of the pool; null (a miss) when
    /// there is none. The caller renames it and then releases the name.</summary>
    public PooledClone? TryTake(CloneKey key)
    {
        PooledClone? taken;
        lock (_gate)
        {
            taken = _ready.FirstOrDefault(c => c.Key == key);
            if (taken is not null)
            {
                _ready.Remove(taken);
            }
        }

        Interlocked.Increment(ref taken is null ? ref _misses : ref _hits);
        if (taken is not null)
        {
            Taken?.Invoke();
        }

        return taken;
    }
}
