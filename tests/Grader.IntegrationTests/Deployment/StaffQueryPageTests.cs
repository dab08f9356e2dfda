using Grader.IntegrationTests.Browser;
using Microsoft.Playwright;

namespace Grader.IntegrationTests.Deployment;

/// <summary>Issue 14's saved queries in the published Production build: staff find the one stuck task,
/// sort and download it; an admin's ad-hoc attempt at the password hashes is refused on the page.</summary>
[Collection(PublishedCollection.Name)]
public sealed class StaffQueryPageTests(PublishedFixture grader)
{
    [Fact]
    public async Task StaffFindTheStuckTaskSortItDownloadItAndAnAdminCannotReadAccounts()
    {
        var stuck = await SeedStuckTaskAsync();
        var (page, problems) = await grader.SignedInAsAsync("queries-staff", UserRole.Staff);

        await page.GetByRole(AriaRole.Link, new() { Name = "Queries" }).ClickAsync();
        await Screenshots.BothWidthsAsync(page, "staff-queries-list");
        Assert.Equal(0, await page.GetByLabel("One SELECT (admins only)").CountAsync());
        await page.GetByRole(AriaRole.Link, new() { Name = "Stuck tasks" }).ClickAsync();
        var results = page.GetByTestId("query-results");
        await Assertions.Expect(results.Locator("tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(results.GetByRole(AriaRole.Link, new() { Name = stuck.ToString() })).ToHaveAttributeAsync("href", $"/tasks/{stuck}");
        await results.GetByRole(AriaRole.Button, new() { Name = "minutes_since" }).ClickAsync();
        await Assertions.Expect(results.Locator("th[aria-sort=ascending]")).ToHaveCountAsync(1);
        await Screenshots.BothWidthsAsync(page, "staff-queries-stuck");

        var csv = await page.APIRequest.GetAsync(await page.GetByTestId("query-csv").GetAttributeAsync("href") ?? "");
        Assert.Equal(200, csv.Status);
        var lines = (await csv.TextAsync()).Trim().Split('\n');
        Assert.StartsWith("task_id,user_id,assignment_id,status", lines[0], StringComparison.Ordinal);
        Assert.StartsWith(stuck.ToString(), Assert.Single(lines[1..]), StringComparison.Ordinal);

        var (adminName, adminPassword) = await grader.AccountAsync($"queries-admin-{LocalStack.RunId}", UserRole.Admin);
        var admin = await grader.SignedInPageAsync(adminName, adminPassword);
        await admin.GotoAsync("/staff/queries");
        await admin.GetByLabel("One SELECT (admins only)").FillAsync("SELECT username, password_hash FROM auth_users");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await Assertions.Expect(admin.GetByTestId("query-error")).ToContainTextAsync("permission denied");
        await Assertions.Expect(admin.GetByTestId("recent-runs")).ToContainTextAsync("SELECT username, password_hash FROM auth_users");
        await Assertions.Expect(admin.GetByTestId("recent-runs")).ToContainTextAsync($"queries-staff-{LocalStack.RunId}");
        await Screenshots.BothWidthsAsync(admin, "staff-queries-ad-hoc");
        Assert.Empty(problems);
    }

    // A task whose host stopped reporting long ago; the grains are not involved, the query reads the read model.
    private Task<Guid> SeedStuckTaskAsync() =>
        ReadModelRows.InsertTaskAsync(grader.Grader.StateDatabase, "Testing", TimeSpan.FromHours(2), "stuck-student", "stuck-assignment", "gone-host");
}
