using Grader.IntegrationTests.Browser;
using Microsoft.Playwright;
using Npgsql;

namespace Grader.IntegrationTests.Deployment;

/// <summary>The staff assignments list in the published build: more assignments than a page holds, walked
/// by its Older links, each shown once in order; the folded filter narrows it; each row still links to its edit page.</summary>
[Collection(PublishedCollection.Name)]
public sealed class AssignmentListPageTests(PublishedFixture grader)
{
    [Fact]
    public async Task StaffWalkEveryAssignmentOnceByTheOlderLinksAndFilterByArchived()
    {
        var prefix = $"alp-{LocalStack.RunId}-";
        var start = DateTimeOffset.UtcNow.AddHours(-6);
        await using var connection = new NpgsqlConnection(LocalStack.AdminConnectionString(grader.Grader.StateDatabase));
        await connection.OpenAsync();
        for (var i = 0; i < 53; i++)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO assignment_summary (assignment_id, title, database_mode, scenarios, archived, created_at)
                VALUES (@id, @title, 'None', 0, @archived, @at)
                """, connection);
            insert.Parameters.AddWithValue("id", $"{prefix}{i:D2}");
            insert.Parameters.AddWithValue("title", $"List {i}");
            insert.Parameters.AddWithValue("archived", i % 10 == 0);
            // Pairs share a time: the id breaks the tie.
            insert.Parameters.AddWithValue("at", start.AddSeconds(i / 2));
            await insert.ExecuteNonQueryAsync();
        }

        var expected = Enumerable.Range(0, 53).Select(i => (At: i / 2, Id: $"{prefix}{i:D2}"))
            .OrderByDescending(r => r.At).ThenByDescending(r => r.Id, StringComparer.Ordinal).Select(r => r.Id).ToList();
        var (page, problems) = await grader.SignedInAsAsync("alp-staff", UserRole.Staff);
        await page.GotoAsync("/staff/assignments");
        await page.GetByLabel("Id or title contains").FillAsync(prefix);
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("total")).ToHaveTextAsync("53 assignments in all, 50 on this page.");
        var seen = new List<string>();
        seen.AddRange(await page.Locator("tr[data-assignment]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.assignment)"));
        await page.GetByTestId("next").ClickAsync();
        await Assertions.Expect(page.GetByTestId("total")).ToHaveTextAsync("53 assignments in all, 3 on this page.");
        await Assertions.Expect(page.GetByTestId("next")).ToHaveCountAsync(0);
        seen.AddRange(await page.Locator("tr[data-assignment]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.assignment)"));
        Assert.Equal(expected, seen);
        await page.GetByTestId("previous").ClickAsync();
        await Assertions.Expect(page.Locator("tr[data-assignment]").First).ToHaveAttributeAsync("data-assignment", expected[0]);
        await Assertions.Expect(page.Locator("tr[data-assignment] time[data-local='seconds']")).ToHaveCountAsync(50);

        await page.GetByLabel("Archived").SelectOptionAsync("yes");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("total")).ToHaveTextAsync("6 assignments in all, 6 on this page.");
        await Screenshots.BothWidthsAsync(page, "staff-assignments-filtered");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = $"{prefix}50", Exact = true })).ToHaveAttributeAsync("href", $"/staff/assignments/{prefix}50");
        Assert.Empty(problems);
    }
}
