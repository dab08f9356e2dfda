using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Grader.IntegrationTests.Auth;
using Grader.IntegrationTests.Browser;
using Grader.IntegrationTests.Grading;
using Grader.Web.Auth.Ldap;
using Microsoft.Playwright;

namespace Grader.IntegrationTests.Deployment;

/// <summary>Issue 14's admin screens in the published Production build: a role override set and cleared,
/// a token created, used and revoked, the audit log showing each of those once, and an LDAP source
/// tested step by step against the stack's slapd.</summary>
[Collection(PublishedCollection.Name)]
public sealed class AdminPagesTests(PublishedFixture grader)
{
    [Fact]
    public async Task AdminOverridesARoleMakesAndRevokesATokenAndSeesBothInTheAuditLog()
    {
        var (adminName, adminPassword) = await grader.AccountAsync($"adminui-{LocalStack.RunId}", UserRole.Admin);
        var (target, _) = await grader.AccountAsync($"adminui-target-{LocalStack.RunId}", UserRole.Student);
        var page = await grader.SignedInPageAsync(adminName, adminPassword);
        var problems = PublishedFixture.ConsoleErrors(page);

        await page.GetByRole(AriaRole.Link, new() { Name = "Admin", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
        var row = page.Locator($"tr[data-username='{target}']");
        await Assertions.Expect(row.GetByTestId("effective-role")).ToHaveTextAsync("student");
        await row.GetByLabel($"Role override for {target}").SelectOptionAsync("staff");
        await row.GetByRole(AriaRole.Button, new() { Name = "Set" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("users-message")).ToContainTextAsync("set to staff");
        await Assertions.Expect(row.GetByTestId("effective-role")).ToHaveTextAsync("staff");
        await Screenshots.BothWidthsAsync(page, "admin-users-override");
        var admin = await grader.Grader.AdminAsync();
        Assert.Equal(UserRole.Staff, (await admin.GetFromJsonAsync<UserView>($"/api/admin/users/{target}", GraderFixture.Json))!.Role);
        await row.GetByLabel($"Role override for {target}").SelectOptionAsync("");
        await row.GetByRole(AriaRole.Button, new() { Name = "Set" }).ClickAsync();
        await Assertions.Expect(row.GetByTestId("effective-role")).ToHaveTextAsync("student");
        await page.GetByLabel("Name contains").FillAsync(target.ToUpperInvariant());
        await page.GetByLabel("Effective role").SelectOptionAsync("student");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("total")).ToHaveTextAsync("1 users in all, 1 on this page.");
        await Assertions.Expect(page.Locator("tr[data-username]")).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator("time[data-local='seconds']").First).ToBeVisibleAsync();
        await page.GetByLabel("Effective role").SelectOptionAsync("admin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("total")).ToHaveTextAsync("0 users in all, 0 on this page.");

        await page.GotoAsync("/admin/tokens");
        var tokenName = $"ci-{LocalStack.RunId}";
        await page.GetByLabel("Name").FillAsync(tokenName);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        var secret = (await page.GetByTestId("token-secret").TextContentAsync())!.Trim();
        Assert.Equal(HttpStatusCode.OK, await WithTokenAsync(secret));
        var tokenRow = page.Locator("tr[data-token-id]", new() { HasText = tokenName });
        await Assertions.Expect(tokenRow.GetByTestId("token-state")).ToHaveTextAsync("live");
        await Screenshots.BothWidthsAsync(page, "admin-token-created");
        await page.GotoAsync("/admin/tokens");
        await Assertions.Expect(page.GetByTestId("token-secret")).ToHaveCountAsync(0);
        await tokenRow.GetByRole(AriaRole.Button, new() { Name = $"Revoke {tokenName}" }).ClickAsync();
        await Assertions.Expect(tokenRow.GetByTestId("token-state")).ToHaveTextAsync("revoked");
        Assert.Equal(HttpStatusCode.Unauthorized, await WithTokenAsync(secret));

        await page.GetByRole(AriaRole.Link, new() { Name = "Admin", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        var audit = page.GetByTestId("audit");
        var overrides = audit.Locator("tbody tr", new() { HasText = target }).Filter(new() { HasText = "user.role-override" });
        await Assertions.Expect(overrides).ToHaveCountAsync(2);
        await Assertions.Expect(overrides.Nth(0)).ToContainTextAsync("override removed");
        await Assertions.Expect(overrides.Nth(1)).ToContainTextAsync("override set to staff");
        await Assertions.Expect(audit.Locator("tbody tr", new() { HasText = "token.create" }).Filter(new() { HasText = tokenName })).ToHaveCountAsync(1);
        await page.GetByLabel("Action starts with").FillAsync("token.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(audit.Locator("tbody tr").First).ToContainTextAsync("token.revoke");
        await Assertions.Expect(audit.Locator("tbody tr", new() { HasText = "user." })).ToHaveCountAsync(0);
        await Screenshots.BothWidthsAsync(page, "admin-audit-log");
        Assert.Empty(problems);
    }

    [Fact]
    public async Task StaffReachTheirTokensButNoAdminScreen()
    {
        var (staff, password) = await grader.AccountAsync($"adminui-staff-{LocalStack.RunId}", UserRole.Staff);
        var page = await grader.SignedInPageAsync(staff, password);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Admin", Exact = true })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "API tokens" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "API tokens" })).ToBeVisibleAsync();
        foreach (var path in new[] { "/admin", "/admin/users", "/admin/sources", "/admin/audit" })
        {
            var response = await page.APIRequest.GetAsync(path, new() { MaxRedirects = 0 });
            Assert.Equal(403, response.Status);
            Assert.Contains("<h1>Not allowed</h1>", await response.TextAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TestingAnLdapSourceReportsEachStepAndTheServersRefusal()
    {
        using var directory = new TestDirectory($"adminui-{LocalStack.RunId}");
        directory.AddPerson("ada", "ada-secret", "staff");
        var admin = await grader.Grader.AdminAsync();
        // Inactive, so sign-ins of the collection's other tests never ask it.
        var created = await admin.PostAsJsonAsync("/api/admin/auth-sources",
            directory.Source($"adminui-{LocalStack.RunId}") with { IsActive = false }, GraderFixture.Json);
        created.EnsureSuccessStatusCode();
        var source = (await created.Content.ReadFromJsonAsync<AuthSource>(GraderFixture.Json))!;
        try
        {
            var (adminName, adminPassword) = await grader.AccountAsync($"adminui-ldap-{LocalStack.RunId}", UserRole.Admin);
            var page = await grader.SignedInPageAsync(adminName, adminPassword);
            await page.GotoAsync("/admin/sources");
            await Assertions.Expect(page.GetByTestId("sources")).ToContainTextAsync(source.Name);

            await TestAsync(page, source.Name, "ada", "ada-secret");
            await Assertions.Expect(page.GetByTestId("test-verdict")).ToContainTextAsync("accepted: ada would sign in as staff");
            var steps = page.GetByTestId("test-steps").Locator("li");
            Assert.Equal(["bind DN", "connect", "user bind", "search filter", "user DN found", "attributes mapped", "groups mapped"],
                await steps.Locator("strong").AllTextContentsAsync());
            await Assertions.Expect(page.GetByTestId("test-steps").Locator("li[data-ok=false]")).ToHaveCountAsync(0);
            await Assertions.Expect(steps.Filter(new() { HasText = "user DN found" })).ToContainTextAsync(directory.PersonDn("ada"));
            await Assertions.Expect(steps.Filter(new() { HasText = "groups mapped" })).ToContainTextAsync(directory.GroupDn("staff"));
            await Screenshots.BothWidthsAsync(page, "admin-ldap-test-ok");

            await TestAsync(page, source.Name, "ada", "wrong");
            await Assertions.Expect(page.GetByTestId("test-verdict")).ToContainTextAsync("refused");
            var refused = page.GetByTestId("test-steps").Locator("li[data-ok=false]");
            await Assertions.Expect(refused).ToHaveCountAsync(1);
            await Assertions.Expect(refused).ToContainTextAsync("user bind");
            await Assertions.Expect(refused).ToContainTextAsync("code 49");
            await Screenshots.BothWidthsAsync(page, "admin-ldap-test-refused");

            await TestAsync(page, source.Name, "ada", "");
            await Assertions.Expect(page.GetByTestId("test-steps").Locator("li[data-ok=false]")).ToContainTextAsync("never sent");

            await page.GotoAsync("/admin/audit?action=source.");
            var rows = page.GetByTestId("audit").Locator("tbody tr", new() { HasText = source.Name });
            await Assertions.Expect(rows.Filter(new() { HasText = "source.create" })).ToHaveCountAsync(1);
            await Assertions.Expect(rows.Filter(new() { HasText = "source.test" })).ToHaveCountAsync(3);
            await Assertions.Expect(rows.Filter(new() { HasText = "source.test" }).Last).ToContainTextAsync("ada: accepted");
        }
        finally
        {
            await admin.DeleteAsync($"/api/admin/auth-sources/{source.Id}");
        }
    }

    private static async Task TestAsync(IPage page, string source, string username, string password)
    {
        await page.GetByLabel("Source", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = source });
        await page.GetByLabel("Username").FillAsync(username);
        await page.GetByLabel("Password (optional)").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Test this source" }).ClickAsync();
        await page.WaitForLoadStateAsync();
    }

    private async Task<HttpStatusCode> WithTokenAsync(string token)
    {
        using var client = new HttpClient { BaseAddress = new Uri(grader.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await client.GetAsync("/api/auth/tokens")).StatusCode;
    }

    private sealed record UserView(string Username, UserRole Role);
}
