namespace Grader.Web.Auth.SignIn;

/// <summary>Failed sign-ins counted for one key (a username or a client address).</summary>
/// <param name="Failures">Failures since <paramref name="WindowStartedAt"/>.</param>
/// <param name="LockedUntil">While in the future, sign-in for this key is refused without checking.</param>
public sealed record ThrottleState(int Failures, DateTimeOffset? WindowStartedAt, DateTimeOffset? LockedUntil)
{
    public static readonly ThrottleState Clean = new(0, null, null);
}

/// <summary>The lockout rule for one kind of key: <see cref="MaxFailures"/> failures within
/// <see cref="Window"/> lock the key for <see cref="Duration"/>. A lock that ends leaves a clean slate,
/// and attempts made while locked are not counted, so a lockout always ends on time.</summary>
public sealed record LockoutPolicy(int MaxFailures, TimeSpan Window, TimeSpan Duration)
{
    /// <returns>How long the key stays locked, or null when it may try now.</returns>
    public static TimeSpan? RemainingLock(ThrottleState state, DateTimeOffset now) =>
        state.LockedUntil is { } until && until > now ? until - now : null;

    public ThrottleState AfterFailure(ThrottleState state, DateTimeOffset now)
    {
        if (RemainingLock(state, now) is not null)
        {
            return state;
        }

        var fresh = state.WindowStartedAt is not { } started || now - started >= Window;
        var failures = fresh ? 1 : state.Failures + 1;
        return failures >= MaxFailures
            ? new ThrottleState(0, null, now + Duration)
            : new ThrottleState(failures, fresh ? now : state.WindowStartedAt, null);
    }

    /// <summary>A row that says nothing any more (no lock, window over) can be deleted.</summary>
    public bool IsForgotten(ThrottleState state, DateTimeOffset now) =>
        RemainingLock(state, now) is null && (state.WindowStartedAt is not { } started || now - started >= Window);
}
