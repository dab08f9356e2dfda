using System.Collections.Concurrent;
using Grader.Web.Auth.Accounts;
using Microsoft.Extensions.Options;

namespace Grader.Web.Auth.SignIn;

/// <summary>Which user a session belongs to, remembered for <see cref="AuthOptions.SessionCacheDuration"/>
/// so that a rush of requests does not cost a database read each. This process forgets a session the
/// moment it is signed out here, and all of a user's sessions the moment that user's role or active flag
/// changes here; another web process sees such a change within the duration at most. Bounded by
/// <see cref="AuthOptions.SessionCacheSize"/>: when full, expired entries go, and if none had expired, all.</summary>
public sealed class SessionCache(IOptions<AuthOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();
    // The version at which each user last changed: an entry read before that is stale, even when the
    // read and the change raced.
    private readonly ConcurrentDictionary<string, long> _changedAt = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, long> _signedOutAt = new();
    private long _version;
    // Entries read before the last time everything was forgotten are stale too.
    private long _floor;

    private TimeSpan Duration => options.Value.SessionCacheDuration;

    private int Size => options.Value.SessionCacheSize;

    /// <summary>Take this before reading the session from the database, and pass it to <see cref="Add"/>.</summary>
    public long Version => Interlocked.Read(ref _version);

    public int Count => _entries.Count;

    public UserAccount? Find(Guid sessionId)
    {
        if (!_entries.TryGetValue(sessionId, out var entry))
        {
            return null;
        }

        if (entry.Until <= clock.GetUtcNow() || entry.Version < Interlocked.Read(ref _floor)
            || _changedAt.TryGetValue(entry.User.Username, out var changed) && changed > entry.Version
            || _signedOutAt.TryGetValue(sessionId, out var signedOut) && signedOut > entry.Version)
        {
            _entries.TryRemove(KeyValuePair.Create(sessionId, entry));
            return null;
        }

        return entry.User;
    }

    /// <param name="version">What <see cref="Version"/> was before the read that found <paramref name="user"/>.</param>
    public void Add(Guid sessionId, UserAccount user, long version)
    {
        if (Duration <= TimeSpan.Zero)
        {
            return;
        }

        if (_entries.Count >= Size || _changedAt.Count + _signedOutAt.Count >= Size)
        {
            Trim();
        }

        _entries[sessionId] = new Entry(user, clock.GetUtcNow() + Duration, version);
    }

    /// <summary>The session was signed out: it is not reused, even if a read that raced the sign-out adds it.</summary>
    public void Forget(Guid sessionId)
    {
        _signedOutAt[sessionId] = Interlocked.Increment(ref _version);
        _entries.TryRemove(sessionId, out _);
    }

    /// <summary>The user's role, source role or active flag changed: none of their sessions is reused.</summary>
    public void ForgetUser(string username) => _changedAt[UserStore.Normalize(username)] = Interlocked.Increment(ref _version);

    private void Trim()
    {
        var now = clock.GetUtcNow();
        foreach (var (id, entry) in _entries.Where(e => e.Value.Until <= now))
        {
            _entries.TryRemove(KeyValuePair.Create(id, entry));
        }

        if (_entries.Count >= Size || _changedAt.Count + _signedOutAt.Count >= Size)
        {
            // Forgetting everything is always safe: the next requests read the database again, and the
            // floor refuses an entry whose read began before this, now that its user's mark is gone.
            Interlocked.Exchange(ref _floor, Interlocked.Increment(ref _version));
            _changedAt.Clear();
            _signedOutAt.Clear();
            _entries.Clear();
        }
    }

    private sealed record Entry(UserAccount User, DateTimeOffset Until, long Version);
}
