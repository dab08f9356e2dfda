using Grader.Web.Auth;
using Grader.Web.Auth.Accounts;
using Grader.Web.Auth.SignIn;
using Microsoft.Extensions.Options;

namespace Grader.UnitTests.Auth;

public sealed class SessionCacheTests
{
    private readonly ManualClock _clock = new();

    [Fact]
    public void CachedSessionIsReusedUntilItsDurationEnds()
    {
        var cache = Cache(TimeSpan.FromSeconds(5));
        var session = Guid.NewGuid();
        cache.Add(session, User("alice"), cache.Version);

        _clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal("alice", cache.Find(session)?.Username);
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Null(cache.Find(session));
    }

    [Fact]
    public void SignedOutSessionIsNotReusedEvenWhenARacingReadAddsItAfterwards()
    {
        var cache = Cache(TimeSpan.FromSeconds(5));
        var session = Guid.NewGuid();
        var before = cache.Version;
        cache.Forget(session);
        cache.Add(session, User("alice"), before);

        Assert.Null(cache.Find(session));
        cache.Add(session, User("alice"), cache.Version);
        Assert.NotNull(cache.Find(session));
    }

    [Fact]
    public void RoleChangeDropsEverySessionOfThatUserOnly()
    {
        var cache = Cache(TimeSpan.FromSeconds(5));
        var (first, second, other) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var before = cache.Version;
        cache.Add(first, User("alice"), before);
        cache.ForgetUser("Alice");
        // Read before the change, added after it: still stale.
        cache.Add(second, User("alice"), before);
        cache.Add(other, User("bob"), before);

        Assert.Null(cache.Find(first));
        Assert.Null(cache.Find(second));
        Assert.Equal("bob", cache.Find(other)?.Username);
    }

    [Fact]
    public void ZeroDurationCachesNothing()
    {
        var cache = Cache(TimeSpan.Zero);
        var session = Guid.NewGuid();
        cache.Add(session, User("alice"), cache.Version);
        Assert.Null(cache.Find(session));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void SizeStaysBoundedAndAFullCacheForgetsSafely()
    {
        var cache = Cache(TimeSpan.FromSeconds(5), size: 100);
        var changedBefore = cache.Version;
        var stale = Guid.NewGuid();
        cache.ForgetUser("carol");
        for (var i = 0; i < 1_000; i++)
        {
            cache.Add(Guid.NewGuid(), User($"user{i}"), cache.Version);
            Assert.InRange(cache.Count, 1, 100);
        }

        // The change mark for carol may be gone with a trim, but a read from before it still counts as stale.
        cache.Add(stale, User("carol"), changedBefore);
        Assert.Null(cache.Find(stale));
    }

    private SessionCache Cache(TimeSpan duration, int size = 1_000) =>
        new(Options.Create(new AuthOptions { SessionCacheDuration = duration, SessionCacheSize = size }), _clock);

    private static UserAccount User(string name) =>
        new(name, true, null, null, null, null, UserRole.Student, null, true, DateTimeOffset.UnixEpoch, null);

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
