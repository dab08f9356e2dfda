namespace Grader.Web.Auth.SignIn;

/// <summary>Failed sign-ins counted for one key (a username or a client address).</summary>
/// <param name="Failures">Failures since <paramref name="WindowStartedAt"/>.</param>
/// <param name="LockedUntil">While in the future, sign-in for this key is refused without checking.</param>
public sealed record ThrottleState(int Failures, DateTimeOffset? WindowStartedAt, DateTimeOffset? LockedUntil)
{
    public static readonly ThrottleState Clean = new(0, null, null);
}

/// <summary>The lockout rule for one kind of key: <see cref="MaxFailures"/> failures within
/// <see cref="Window"/> lock the key for <see cref="Duration"/>, doubled for each lock the key had
/// recently (its strikes) up to <see cref="MaxDuration"/>, so a patient guesser gets ever fewer tries.
/// A lock that ends leaves a clean count, and attempts made while locked are not counted, so a lockout
/// always ends on time.</summary>
/// <remarks>An attempt is counted as a failure when it starts (<see cref="Begin"/>) and forgiven if it
/// turns out not to be one (<see cref="Forgive"/>). Counting afterwards would let a burst of parallel
/// guesses all pass the check before the first of them is counted.</remarks>
public sealed record LockoutPolicy(int MaxFailures, TimeSpan Window, TimeSpan Duration, TimeSpan? MaxDuration = null)
{
    /// <summary>How long a lock lasts after <paramref name="strikes"/> recent locks of the same key.</summary>
    public TimeSpan DurationAfter(int strikes)
    {
        var cap = MaxDuration is { } max && max > Duration ? max : Duration;
        var doubled = Duration.Ticks * (1L << Math.Clamp(strikes, 0, 20));
        return doubled >= cap.Ticks || doubled <= 0 ? cap : TimeSpan.FromTicks(doubled);
    }

    /// <summary>The record of a lock just set, which <paramref name="previous"/> strikes preceded: kept
    /// until <see cref="MaxDuration"/> after the lock ends, stored like a count so the same rule forgets it.</summary>
    public ThrottleState Strike(int previous, DateTimeOffset lockedUntil, DateTimeOffset now) =>
        new(previous + 1, now, lockedUntil + (MaxDuration ?? Duration));

    /// <summary>The strikes a strike record still counts (none once it is forgotten).</summary>
    public static int Strikes(ThrottleState? record, DateTimeOffset now) =>
        record is { LockedUntil: { } until } && until > now ? record.Failures : 0;

    /// <returns>How long the key stays locked, or null when it may try now.</returns>
    public static TimeSpan? RemainingLock(ThrottleState state, DateTimeOffset now) =>
        state.LockedUntil is { } until && until > now ? until - now : null;

    /// <returns>Whether the attempt may go ahead, and the state with it counted as a failure.</returns>
    public (bool Allowed, ThrottleState Next) Begin(ThrottleState state, DateTimeOffset now, int strikes = 0) =>
        RemainingLock(state, now) is null ? (true, AfterFailure(state, now, strikes)) : (false, state);

    public ThrottleState AfterFailure(ThrottleState state, DateTimeOffset now, int strikes = 0)
    {
        if (RemainingLock(state, now) is not null)
        {
            return state;
        }

        var fresh = state.WindowStartedAt is not { } started || now - started >= Window;
        var failures = fresh ? 1 : state.Failures + 1;
        var windowStart = fresh ? now : state.WindowStartedAt;
        return failures >= MaxFailures
            ? new ThrottleState(0, windowStart, now + DurationAfter(strikes))
            : new ThrottleState(failures, windowStart, null);
    }

    /// <summary>Takes back one attempt counted by <see cref="Begin"/>: it succeeded, or could not be
    /// judged. A lock that this very attempt set is lifted; any other lock stays.</summary>
    /// <param name="counted">The state <see cref="Begin"/> returned for this attempt.</param>
    public ThrottleState Forgive(ThrottleState current, ThrottleState counted) =>
        counted.LockedUntil is not null && current.LockedUntil == counted.LockedUntil
            ? current with { Failures = MaxFailures - 1, LockedUntil = null }
            : current with { Failures = Math.Max(0, current.Failures - 1) };

    /// <summary>A state that says nothing any more (no lock, and no failures or its window over) can be
    /// deleted; ThrottleStore.ForgetOldAsync applies the same rule in SQL.</summary>
    public bool IsForgotten(ThrottleState state, DateTimeOffset now) =>
        RemainingLock(state, now) is null && (state.Failures == 0 || state.WindowStartedAt is not { } started || now - started >= Window);

    /// <summary>A marker that an account signed in from an address, kept until <c>LockedUntil</c>; stored
    /// like a count so old markers are forgotten by the same rule.</summary>
    public static ThrottleState Remembered(DateTimeOffset now, TimeSpan memory) => new(0, now, now + memory);

    /// <summary>A locked account still checks the password of an attempt from an address it is known at:
    /// the lock exists to stop guessers, who do not come from there.</summary>
    public static bool PassesLock(ThrottleState? knownAddress, DateTimeOffset now) =>
        knownAddress is { LockedUntil: { } until } && until > now;
}
