using Grader.Web.Auth.Tokens;

namespace Grader.IntegrationTests.Auth;

/// <summary>Session cookies, antiforgery, sign-out, role changes and API tokens.</summary>
[Collection(AuthCollection.Name)]
public sealed class SessionAndTokenTests(AuthFixture grader)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task SessionCookieIsHttpOnlyLaxAndSecureOnlyOverHttps()
    {
        var password = $"pw-{Guid.NewGuid():N}";
        await grader.CreateLocalUserAsync($"cookie-{_run}", password, UserRole.Student);

        var overHttp = await AuthFixture.SignInAsync(grader.Client(), $"cookie-{_run}", password);
        var overHttps = await AuthFixture.SignInAsync(grader.Client("https://localhost"), $"cookie-{_run}", password);

        var plain = SessionCookie(overHttp);
        var secure = SessionCookie(overHttps);
        Assert.Contains("httponly", plain);
        Assert.Contains("samesite=lax", plain);
        Assert.DoesNotContain("secure", plain);
        Assert.DoesNotContain("expires", plain);
        Assert.Contains("secure", secure);
    }

    [Fact]
    public async Task CookieKeysAreSharedThroughTheDatabase()
    {
        await grader.NewUserAsync($"keys-{_run}", UserRole.Student);

        Assert.True(await LocalStack.ScalarAsync<long>(grader.StateDatabase, "SELECT count(*) FROM auth_data_protection_keys") >= 1);
    }

    [Fact]
    public async Task CookieSessionNeedsTheAntiforgeryTokenForUnsafeCalls()
    {
        var password = $"pw-{Guid.NewGuid():N}";
        await grader.CreateLocalUserAsync($"csrf-{_run}", password, UserRole.Staff);
        var (cookie, antiforgery) = await grader.RawSessionAsync($"csrf-{_run}", password);
        // What a hostile page can make a browser send: the cookies, but no token.
        var forgedPage = grader.ClientWithCookie(cookie);
        var ownPage = grader.ClientWithCookie(cookie);
        ownPage.DefaultRequestHeaders.Add("X-CSRF-TOKEN", antiforgery);

        var forged = await forgedPage.PostAsJsonAsync("/api/auth/tokens", new { name = "forged" });
        var genuine = await ownPage.PostAsJsonAsync("/api/auth/tokens", new { name = "genuine" });

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("X-CSRF-TOKEN", await AuthFixture.ProblemDetailAsync(forged));
        Assert.Equal(HttpStatusCode.Created, genuine.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await forgedPage.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task SignOutEndsTheSessionEvenForACopiedCookie()
    {
        var password = $"pw-{Guid.NewGuid():N}";
        await grader.CreateLocalUserAsync($"signout-{_run}", password, UserRole.Student);
        var (cookie, antiforgery) = await grader.RawSessionAsync($"signout-{_run}", password);
        var student = grader.ClientWithCookie(cookie);
        student.DefaultRequestHeaders.Add("X-CSRF-TOKEN", antiforgery);
        var thief = grader.ClientWithCookie(cookie);

        Assert.Equal(HttpStatusCode.OK, (await thief.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await student.PostAsync("/api/auth/sign-out", null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await thief.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await student.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task RoleOverrideAndDisablingApplyAtTheNextRequest()
    {
        var admin = await grader.NewUserAsync($"admin-{_run}", UserRole.Admin);
        var student = await grader.NewUserAsync($"promoted-{_run}", UserRole.Student);
        Assert.Equal(HttpStatusCode.Forbidden, (await student.GetAsync("/api/auth/tokens")).StatusCode);

        var promote = await admin.PutAsJsonAsync($"/api/admin/users/promoted-{_run}/role-override", new { role = "staff" });
        Assert.Equal(HttpStatusCode.OK, promote.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await student.GetAsync("/api/auth/tokens")).StatusCode);

        var disable = await admin.PutAsJsonAsync($"/api/admin/users/promoted-{_run}/active", new { isActive = false });
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await student.GetAsync("/api/auth/me")).StatusCode);
    }

    /// <summary>A change this process did not make (another web process's admin page, or SQL) reaches a
    /// cached session within the cache's duration, and not before its cached read is that old.</summary>
    [Fact]
    public async Task RoleChangeMadeElsewhereAppliesWithinTheSessionCacheDuration()
    {
        var student = await grader.NewUserAsync($"elsewhere-{_run}", UserRole.Student);
        var duration = grader.Service<Microsoft.Extensions.Options.IOptions<AuthOptions>>().Value.SessionCacheDuration;
        Assert.Equal(HttpStatusCode.Forbidden, (await student.GetAsync("/api/auth/tokens")).StatusCode);
        var cachedAt = DateTime.UtcNow;

        await LocalStack.ExecAsync(grader.StateDatabase, $"UPDATE auth_users SET role_override = 'staff' WHERE username = 'elsewhere-{_run}'");
        var first = (await student.GetAsync("/api/auth/tokens")).StatusCode;
        var firstAfter = DateTime.UtcNow - cachedAt;
        while ((await student.GetAsync("/api/auth/tokens")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow - cachedAt < duration + TimeSpan.FromSeconds(5), $"still not staff {DateTime.UtcNow - cachedAt} after the change");
            await Task.Delay(100);
        }

        if (firstAfter < duration - TimeSpan.FromSeconds(1))
        {
            // Read again from the cache, not the database: the cache is what spares the burst its reads.
            Assert.Equal(HttpStatusCode.Forbidden, first);
        }
    }

    [Fact]
    public async Task AdminCannotDemoteOrDisableThemselves()
    {
        var admin = await grader.NewUserAsync($"self-{_run}", UserRole.Admin);

        var demote = await admin.PutAsJsonAsync($"/api/admin/users/self-{_run}/role-override", new { role = "student" });
        var disable = await admin.PutAsJsonAsync($"/api/admin/users/self-{_run}/active", new { isActive = false });

        Assert.Equal(HttpStatusCode.BadRequest, demote.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, disable.StatusCode);
    }

    [Fact]
    public async Task StaffTokenWorksWithoutAntiforgeryUntilRevokedAndIsStoredOnlyAsAHash()
    {
        var staff = await grader.NewUserAsync($"script-{_run}", UserRole.Staff);
        var created = await (await staff.PostAsJsonAsync("/api/auth/tokens", new { name = "nightly export", expiresInDays = 30 }))
            .Content.ReadFromJsonAsync<CreatedApiToken>(GraderFixture.Json);
        var script = grader.Client();
        script.DefaultRequestHeaders.Authorization = AuthFixture.Bearer(created!.Token);

        var me = await script.GetFromJsonAsync<Grader.Web.Auth.SignIn.SessionResponse>("/api/auth/me", GraderFixture.Json);
        var put = await script.PutAsJsonAsync("/api/assignments/bad id", new { }, GraderFixture.Json);
        var mint = await script.PostAsJsonAsync("/api/auth/tokens", new { name = "child" });

        Assert.Equal(($"script-{_run}", "staff", (string?)null), (me!.User.Username, me.User.Role, me.AntiforgeryToken));
        Assert.NotEqual(HttpStatusCode.Unauthorized, put.StatusCode);
        Assert.NotEqual(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, mint.StatusCode);
        Assert.Equal(0L, await LocalStack.ScalarAsync<long>(grader.StateDatabase,
            "SELECT count(*) FROM auth_api_tokens WHERE position(convert_to(@token, 'UTF8') in token_hash) > 0 OR name = @token", ("token", created.Token)));

        Assert.Equal(HttpStatusCode.NoContent, (await staff.DeleteAsync($"/api/auth/tokens/{created.Info.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task TokenOfADemotedStaffMemberStopsWorking()
    {
        var admin = await grader.NewUserAsync($"demoter-{_run}", UserRole.Admin);
        var staff = await grader.NewUserAsync($"demoted-{_run}", UserRole.Staff);
        var created = await (await staff.PostAsJsonAsync("/api/auth/tokens", new { name = "script" })).Content.ReadFromJsonAsync<CreatedApiToken>(GraderFixture.Json);
        var script = grader.Client();
        script.DefaultRequestHeaders.Authorization = AuthFixture.Bearer(created!.Token);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/auth/me")).StatusCode);

        await admin.PutAsJsonAsync($"/api/admin/users/demoted-{_run}/role-override", new { role = "student" });

        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task SignInFormPostNeedsItsAntiforgeryToken()
    {
        var password = $"pw-{Guid.NewGuid():N}";
        await grader.CreateLocalUserAsync($"form-{_run}", password, UserRole.Student);
        var browser = grader.Client();
        var form = new Dictionary<string, string> { ["username"] = $"form-{_run}", ["password"] = password, ["returnUrl"] = "/api/auth/me" };

        var forged = await browser.PostAsync("/sign-in", new FormUrlEncodedContent(form));
        var page = await browser.GetStringAsync("/sign-in?returnUrl=/api/auth/me");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        form["__RequestVerificationToken"] = token;
        var genuine = await browser.PostAsync("/sign-in", new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, genuine.StatusCode);
        Assert.Equal("/api/auth/me", genuine.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task SignInFormNeverRedirectsOffSite()
    {
        var password = $"pw-{Guid.NewGuid():N}";
        await grader.CreateLocalUserAsync($"redirect-{_run}", password, UserRole.Student);
        var browser = grader.Client();
        var page = await browser.GetStringAsync("/sign-in");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

        var response = await browser.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = $"redirect-{_run}",
            ["password"] = password,
            ["returnUrl"] = "//evil.example/",
            ["__RequestVerificationToken"] = token,
        }));

        // An off-site returnUrl is ignored: the user lands on the home page.
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    private static string SessionCookie(HttpResponseMessage response) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("grader.session=", StringComparison.Ordinal)).ToLowerInvariant();
}
