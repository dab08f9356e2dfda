using Grader.Web.Auth.SignIn;

namespace Grader.UnitTests.Auth;

public class LockoutPolicyTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly LockoutPolicy Policy = new(3, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(5));

    private static ThrottleState Fail(int times, DateTimeOffset at, ThrottleState? from = null)
    {
        var state = from ?? ThrottleState.Clean;
        for (var i = 0; i < times; i++)
        {
            state = Policy.AfterFailure(state, at);
        }

        return state;
    }

    [Fact]
    public void FailuresBelowTheLimitDoNotLock()
    {
        var state = Fail(2, T0);

        Assert.Null(LockoutPolicy.RemainingLock(state, T0));
        Assert.Equal(2, state.Failures);
    }

    [Fact]
    public void ReachingTheLimitLocksForTheDurationThenExpires()
    {
        var state = Fail(3, T0);

        Assert.Equal(TimeSpan.FromMinutes(5), LockoutPolicy.RemainingLock(state, T0));
        Assert.Equal(TimeSpan.FromMinutes(1), LockoutPolicy.RemainingLock(state, T0.AddMinutes(4)));
        Assert.Null(LockoutPolicy.RemainingLock(state, T0.AddMinutes(5)));
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 20)]
    [InlineData(60, 20)]
    public void EachRecentLockDoublesTheNextUpToTheCap(int strikes, int minutes)
    {
        var policy = Policy with { MaxDuration = TimeSpan.FromMinutes(20) };

        var state = policy.AfterFailure(policy.AfterFailure(policy.AfterFailure(ThrottleState.Clean, T0, strikes), T0, strikes), T0, strikes);

        Assert.Equal(TimeSpan.FromMinutes(minutes), LockoutPolicy.RemainingLock(state, T0));
    }

    [Fact]
    public void StrikesAreRememberedUntilTheCapAfterTheLockEndsThenForgotten()
    {
        var policy = Policy with { MaxDuration = TimeSpan.FromMinutes(20) };
        var lockedUntil = T0.AddMinutes(10);

        var record = policy.Strike(1, lockedUntil, T0);

        Assert.Equal(2, LockoutPolicy.Strikes(record, lockedUntil.AddMinutes(19)));
        Assert.False(policy.IsForgotten(record, lockedUntil.AddMinutes(19)));
        Assert.Equal(0, LockoutPolicy.Strikes(record, lockedUntil.AddMinutes(20)));
        Assert.True(policy.IsForgotten(record, lockedUntil.AddMinutes(20)));
        Assert.Equal(0, LockoutPolicy.Strikes(null, T0));
    }

    [Fact]
    public void AttemptsWhileLockedDoNotExtendTheLock()
    {
        var locked = Fail(3, T0);

        var later = Fail(10, T0.AddMinutes(4), locked);

        Assert.Equal(locked, later);
    }

    [Fact]
    public void AnExpiredLockLeavesACleanSlate()
    {
        var afterLock = Fail(1, T0.AddMinutes(6), Fail(3, T0));

        Assert.Null(LockoutPolicy.RemainingLock(afterLock, T0.AddMinutes(6)));
        Assert.Equal(1, afterLock.Failures);
    }

    [Fact]
    public void FailuresOutsideTheWindowStartANewCount()
    {
        var early = Fail(2, T0);

        var late = Fail(1, T0.AddMinutes(11), early);

        Assert.Equal(1, late.Failures);
        Assert.Null(LockoutPolicy.RemainingLock(late, T0.AddMinutes(11)));
    }

    [Fact]
    public void ABurstOfAttemptsIsCountedAsItStartsSoOnlyTheLimitGetsThrough()
    {
        var state = ThrottleState.Clean;
        var allowed = 0;
        for (var i = 0; i < 100; i++)
        {
            (var ok, state) = Policy.Begin(state, T0);
            allowed += ok ? 1 : 0;
        }

        Assert.Equal(3, allowed);
        Assert.NotNull(LockoutPolicy.RemainingLock(state, T0));
    }

    [Fact]
    public void ForgivingAnAttemptTakesItsCountBack()
    {
        var (_, counted) = Policy.Begin(Fail(1, T0), T0);

        var forgiven = Policy.Forgive(counted, counted);

        Assert.Equal(1, forgiven.Failures);
        Assert.Null(LockoutPolicy.RemainingLock(forgiven, T0));
    }

    [Fact]
    public void ForgivingTheAttemptThatLockedLiftsThatLockOnly()
    {
        var (_, locking) = Policy.Begin(Fail(2, T0), T0);
        Assert.NotNull(LockoutPolicy.RemainingLock(locking, T0));

        var lifted = Policy.Forgive(locking, locking);
        var otherLock = Fail(3, T0.AddSeconds(1));
        var kept = Policy.Forgive(otherLock, locking);

        Assert.Null(LockoutPolicy.RemainingLock(lifted, T0));
        Assert.Equal(2, lifted.Failures);
        Assert.NotNull(LockoutPolicy.RemainingLock(kept, T0.AddSeconds(1)));
    }

    [Fact]
    public void ForgottenOnlyWhenUnlockedAndTheWindowIsOver()
    {
        Assert.False(Policy.IsForgotten(Fail(1, T0), T0.AddMinutes(9)));
        Assert.True(Policy.IsForgotten(Fail(1, T0), T0.AddMinutes(10)));
        Assert.False(Policy.IsForgotten(Fail(3, T0), T0.AddMinutes(4)));
        Assert.True(Policy.IsForgotten(Fail(3, T0), T0.AddMinutes(5)));
    }

    [Fact]
    public void KnownAddressPassesTheLockUntilItIsForgotten()
    {
        var known = LockoutPolicy.Remembered(T0, TimeSpan.FromDays(30));

        Assert.True(LockoutPolicy.PassesLock(known, T0.AddDays(29)));
        Assert.False(LockoutPolicy.PassesLock(known, T0.AddDays(30)));
        Assert.False(LockoutPolicy.PassesLock(null, T0));
        Assert.False(Policy.IsForgotten(known, T0.AddDays(29)));
        Assert.True(Policy.IsForgotten(known, T0.AddDays(30)));
    }

    [Theory]
    [InlineData("203.0.113.9", null, "203.0.113.9")]
    [InlineData("203.0.113.9", "198.51.100.7", "203.0.113.9")]
    [InlineData("10.0.0.2", "198.51.100.7", "198.51.100.7")]
    [InlineData("10.0.0.2", "6.6.6.6, 198.51.100.7", "198.51.100.7")]
    [InlineData("10.0.0.2", "198.51.100.7, 10.0.0.3", "198.51.100.7")]
    [InlineData("10.0.0.2", "not-an-address", "10.0.0.2")]
    [InlineData("::ffff:10.0.0.2", "198.51.100.7", "198.51.100.7")]
    public void BehindTrustedProxiesTheClientIsTheNearestUntrustedHop(string remote, string? forwardedFor, string expected)
    {
        var address = Grader.Web.Auth.Http.ClientAddress.From(System.Net.IPAddress.Parse(remote), forwardedFor, ["10.0.0.2", "10.0.0.3"]);

        Assert.Equal(expected, address);
    }
}
