using System.Diagnostics;

namespace Grader.IntegrationTests.Auth;

/// <summary>Repeated failures lock an account and an address for a while; the lock then ends by itself.
/// The fixture locks after 3 failures per account or 6 per address, for 3 seconds.</summary>
[Collection(AuthCollection.Name)]
public sealed class LockoutTests(AuthFixture grader)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task AccountLocksAfterRepeatedFailuresThenUnlocksWhenTheLockExpires()
    {
        var password = $"pw-{Guid.NewGuid():N}";
        await grader.CreateLocalUserAsync($"locked-{_run}", password, UserRole.Student);
        var attacker = grader.Client();
        for (var i = 0; i < AuthFixture.MaxFailuresPerAccount; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await AuthFixture.SignInAsync(attacker, $"locked-{_run}", "guess-" + i)).StatusCode);
        }

        var lockedAt = Stopwatch.StartNew();
        // Now even the right password, even from another address, is refused until the lock ends.
        var refused = await AuthFixture.SignInAsync(grader.Client(), $"locked-{_run}", password);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("Try again in", await AuthFixture.ProblemDetailAsync(refused));
        var retryAfter = TimeSpan.FromSeconds(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(1), AuthFixture.LockoutDuration);

        var signedIn = await SignInOnceUnlockedAsync($"locked-{_run}", password);

        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.True(lockedAt.Elapsed >= AuthFixture.LockoutDuration - TimeSpan.FromSeconds(1), $"unlocked after {lockedAt.Elapsed}");
    }

    [Fact]
    public async Task ParallelGuessesCannotSlipPastTheLimit()
    {
        await grader.CreateLocalUserAsync($"burst-{_run}", $"pw-{Guid.NewGuid():N}", UserRole.Student);

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            AuthFixture.SignInAsync(grader.Client(), $"burst-{_run}", "guess-" + i)));

        Assert.Equal(AuthFixture.MaxFailuresPerAccount, answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized));
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Unauthorized), a => Assert.Equal(HttpStatusCode.TooManyRequests, a.StatusCode));
    }

    [Fact]
    public async Task AddressLocksAcrossUsernamesWhileOtherAddressesStillSignIn()
    {
        var password = $"pw-{Guid.NewGuid():N}";
        await grader.CreateLocalUserAsync($"victim-{_run}", password, UserRole.Student);
        var sprayer = grader.Client();
        for (var i = 0; i < AuthFixture.MaxFailuresPerAddress; i++)
        {
            await AuthFixture.SignInAsync(sprayer, $"spray-{i}-{_run}", "password1");
        }

        var fromSprayer = await AuthFixture.SignInAsync(sprayer, $"victim-{_run}", password);
        var fromElsewhere = await AuthFixture.SignInAsync(grader.Client(), $"victim-{_run}", password);

        Assert.Equal(HttpStatusCode.TooManyRequests, fromSprayer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fromElsewhere.StatusCode);
    }

    [Fact]
    public async Task UnknownUsernameLocksJustLikeAKnownOne()
    {
        var attacker = grader.Client();
        for (var i = 0; i < AuthFixture.MaxFailuresPerAccount; i++)
        {
            await AuthFixture.SignInAsync(attacker, $"ghost-{_run}", "guess-" + i);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await AuthFixture.SignInAsync(grader.Client(), $"ghost-{_run}", "another")).StatusCode);
    }

    [Fact]
    public async Task SuccessfulSignInClearsTheAccountsFailures()
    {
        var password = $"pw-{Guid.NewGuid():N}";
        await grader.CreateLocalUserAsync($"typo-{_run}", password, UserRole.Student);
        var client = grader.Client();
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < AuthFixture.MaxFailuresPerAccount - 1; i++)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, (await AuthFixture.SignInAsync(client, $"typo-{_run}", "typo")).StatusCode);
            }

            Assert.Equal(HttpStatusCode.OK, (await AuthFixture.SignInAsync(grader.Client(), $"typo-{_run}", password)).StatusCode);
        }
    }

    [Fact]
    public async Task OwnerPassesTheLockFromAnAddressTheyHaveSignedInFromWhileGuessersStayLocked()
    {
        var password = $"pw-{Guid.NewGuid():N}";
        await grader.CreateLocalUserAsync($"owner-{_run}", password, UserRole.Student);
        // No cookies: a signed-in client would need an antiforgery token; the address is what is known.
        var owner = grader.Client(handleCookies: false);
        Assert.Equal(HttpStatusCode.OK, (await AuthFixture.SignInAsync(owner, $"owner-{_run}", password)).StatusCode);
        var attacker = grader.Client();
        for (var i = 0; i < AuthFixture.MaxFailuresPerAccount; i++)
        {
            await AuthFixture.SignInAsync(attacker, $"owner-{_run}", "guess-" + i);
        }

        var fromAttacker = await AuthFixture.SignInAsync(attacker, $"owner-{_run}", password);
        var wrongFromOwner = await AuthFixture.SignInAsync(owner, $"owner-{_run}", "guess-x");
        var fromOwner = await AuthFixture.SignInAsync(owner, $"owner-{_run}", password);
        var fromNewAddress = await AuthFixture.SignInAsync(grader.Client(), $"owner-{_run}", password);

        Assert.Equal(HttpStatusCode.TooManyRequests, fromAttacker.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongFromOwner.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fromOwner.StatusCode);
        // The owner's sign-in cleared the account's failures, so the lock is over for everyone.
        Assert.Equal(HttpStatusCode.OK, fromNewAddress.StatusCode);
    }

    [Fact]
    public async Task EachLockInARowLastsLongerThanTheOneBefore()
    {
        await grader.CreateLocalUserAsync($"patient-{_run}", $"pw-{Guid.NewGuid():N}", UserRole.Student);

        var first = await GuessUntilLockedAsync($"patient-{_run}");
        var second = await GuessUntilLockedAsync($"patient-{_run}");

        Assert.InRange(first, TimeSpan.FromSeconds(1), AuthFixture.LockoutDuration);
        // Doubled: a patient guesser gets half as many tries per hour each time.
        Assert.InRange(second, AuthFixture.LockoutDuration + TimeSpan.FromSeconds(1), 2 * AuthFixture.LockoutDuration);
    }

    /// <summary>Guesses, each from a new address, waiting out any lock by its Retry-After, until the
    /// account locks after a full round of failures; returns that lock's Retry-After.</summary>
    private async Task<TimeSpan> GuessUntilLockedAsync(string username)
    {
        var failures = 0;
        var deadline = DateTime.UtcNow + (4 * AuthFixture.LockoutDuration) + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var response = await AuthFixture.SignInAsync(grader.Client(), username, "guess");
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                failures++;
                continue;
            }

            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            var retryAfter = TimeSpan.FromSeconds(int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture));
            if (failures >= AuthFixture.MaxFailuresPerAccount)
            {
                return retryAfter;
            }

            await Task.Delay(retryAfter);
        }

        throw new TimeoutException($"{username} did not lock after {failures} failures");
    }

    /// <summary>Waits out the lock the way a client should: by its Retry-After, never by a fixed sleep.</summary>
    private async Task<HttpResponseMessage> SignInOnceUnlockedAsync(string username, string password)
    {
        var deadline = DateTime.UtcNow + AuthFixture.LockoutDuration + TimeSpan.FromSeconds(10);
        while (true)
        {
            var response = await AuthFixture.SignInAsync(grader.Client(), username, password);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || DateTime.UtcNow > deadline)
            {
                return response;
            }

            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(250));
        }
    }
}
