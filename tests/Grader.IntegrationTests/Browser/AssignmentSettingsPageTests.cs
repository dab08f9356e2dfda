using Microsoft.Playwright;

namespace Grader.IntegrationTests.Browser;

/// <summary>The edit page saves settings as one change: the suite stays byte for byte, a setting the
/// form does not show stays, and a suite upload at the moment of the save lands as well.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AssignmentSettingsPageTests(BrowserFixture grader)
{
    [Fact]
    public async Task SavingOneSettingOnThePageLeavesTheSuiteAndAConcurrentUploadLands()
    {
        const string id = "page-settings";
        await DemoAssignment.StoreAsync(grader.Grains, id, a => a with { SupersedePending = true });
        var assignment = grader.Grains.GetGrain<IAssignmentGrain>(id);
        var suite = "# staff comments, kept as written\n" + await assignment.GetSuiteAsync();
        Assert.True((await assignment.SetSuiteAsync(suite, $"{id}.yaml")).Stored);
        var before = (await assignment.GetAsync())!;
        var (staff, password) = await grader.AccountAsync($"set-{LocalStack.RunId}", UserRole.Staff);
        var page = await grader.SignedInPageAsync(staff, password);

        await page.GotoAsync($"/staff/assignments/{id}");
        await page.GetByLabel("Request timeout (s)").FillAsync("9");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("Settings saved.");

        Assert.Equal(suite, await assignment.GetSuiteAsync());
        Assert.Equal(Json(before with { RequestTimeoutSeconds = 9 }), Json((await assignment.GetAsync())!));
        var last = (await assignment.GetChangesAsync())[^1];
        Assert.Equal(staff, last.By);
        Assert.StartsWith("settings: ", last.What, StringComparison.Ordinal);

        // The page's save and a suite upload at once: both are there afterwards, in either order.
        var newer = "# uploaded during the save\n" + suite;
        await page.GetByLabel("Startup timeout (s)").FillAsync("42");
        var save = page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        var upload = assignment.SetSuiteAsync(newer, $"{id}.yaml", "another-staff-member");
        await Task.WhenAll(save, upload);
        await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("Settings saved.");
        await BrowserFixture.ScreenshotAsync(page, "assignment-settings-saved");

        Assert.True((await upload).Stored);
        Assert.Equal(newer, await assignment.GetSuiteAsync());
        var after = (await assignment.GetAsync())!;
        Assert.Equal((42, 9, true), (after.StartupTimeoutSeconds, after.RequestTimeoutSeconds, after.SupersedePending));
        Assert.Contains(await assignment.GetChangesAsync(), c => c.By == "another-staff-member" && c.What == $"suite: {id}.yaml");
    }

    private static string Json(AssignmentDefinition definition) => JsonSerializer.Serialize(definition, GraderFixture.Json);
}
