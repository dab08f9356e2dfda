using Microsoft.Playwright;

namespace Grader.IntegrationTests.Browser;

/// <summary>The submission door through the pages, in Chromium: the submit form, "Run again" and the
/// dry run. Each path meets a closed assignment, the pending limit and the rate limit, and shows the
/// door's words. The host is drained, so nothing runs and the tasks stay unfinished.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SubmissionPagesTests(BrowserFixture grader)
{
    private static readonly DateTimeOffset Past = DateTimeOffset.UtcNow.AddHours(-1);

    private DoorLimits Door() => new(grader.Services, grader.HostName, grader.Image("correct"));

    [Fact]
    public async Task TheSubmitFormRefusesAStudentWhenClosedAtThePendingLimitAndOverTheRateLimit()
    {
        var (user, password) = await grader.AccountAsync($"form-{LocalStack.RunId}", UserRole.Student);
        await DemoAssignment.StoreAsync(grader.Grains, "page-form-closed", a => a with { ClosesAt = Past });
        await DemoAssignment.StoreAsync(grader.Grains, "page-form-pending");
        await DemoAssignment.StoreAsync(grader.Grains, "page-form-rate", a => a with { SupersedePending = true });
        var page = await grader.SignedInPageAsync(user, password);
        var door = Door();
        await door.WhileDrainedAsync(async () =>
        {
            var pending = await door.FillPendingAsync("page-form-pending", user);
            var rate = await door.FillRateWindowAsync("page-form-rate", user);
            try
            {
                await RefusedByFormAsync(page, "page-form-closed", "closed at", "form-closed");
                await RefusedByFormAsync(page, "page-form-pending", $"already have {door.Limits.MaxPending} unfinished submissions", "form-pending");
                await RefusedByFormAsync(page, "page-form-rate", "Try again in", "form-rate");

                Assert.Equal(0, await door.TaskCountAsync(user, "page-form-closed"));
                Assert.Equal(door.Limits.MaxPending, await door.TaskCountAsync(user, "page-form-pending"));
                Assert.Equal(door.Limits.RateLimit, await door.TaskCountAsync(user, "page-form-rate"));
            }
            finally
            {
                await door.CancelAsync([.. pending, .. rate]);
            }
        });
    }

    [Fact]
    public async Task RunAgainRefusesAStudentWhenClosedAtThePendingLimitAndOverTheRateLimit()
    {
        var (user, password) = await grader.AccountAsync($"rerun-{LocalStack.RunId}", UserRole.Student);
        await DemoAssignment.StoreAsync(grader.Grains, "page-rerun-closed");
        await DemoAssignment.StoreAsync(grader.Grains, "page-rerun-pending");
        await DemoAssignment.StoreAsync(grader.Grains, "page-rerun-rate", a => a with { SupersedePending = true });
        var page = await grader.SignedInPageAsync(user, password);
        var door = Door();
        await door.WhileDrainedAsync(async () =>
        {
            // Submitted while open, re-run after the deadline.
            var early = await door.SubmitAsync("page-rerun-closed", user);
            await DemoAssignment.StoreAsync(grader.Grains, "page-rerun-closed", a => a with { ClosesAt = Past });
            var pending = await door.FillPendingAsync("page-rerun-pending", user);
            var rate = await door.FillRateWindowAsync("page-rerun-rate", user);
            try
            {
                await RefusedRerunAsync(page, early, "closed at", "rerun-closed");
                await RefusedRerunAsync(page, pending[^1], $"already have {door.Limits.MaxPending} unfinished submissions", "rerun-pending");
                await RefusedRerunAsync(page, rate[^1], "Try again in", "rerun-rate");

                Assert.Equal(1, await door.TaskCountAsync(user, "page-rerun-closed"));
                Assert.Equal(door.Limits.MaxPending, await door.TaskCountAsync(user, "page-rerun-pending"));
                Assert.Equal(door.Limits.RateLimit, await door.TaskCountAsync(user, "page-rerun-rate"));
            }
            finally
            {
                await door.CancelAsync([early, .. pending, .. rate]);
            }
        });
    }

    /// <summary>The dry run is staff only: a student cannot open it or post to it. Staff get a closed
    /// assignment with the override recorded, and are not held by the limits even when their key is full
    /// of student-role submissions: the role comes from who is signed in.</summary>
    [Fact]
    public async Task TheDryRunRefusesAStudentAndLetsStaffThroughClosedAndLimitsWithTheOverrideRecorded()
    {
        var (student, studentPassword) = await grader.AccountAsync($"dry-stu-{LocalStack.RunId}", UserRole.Student);
        var (staff, staffPassword) = await grader.AccountAsync($"dry-sta-{LocalStack.RunId}", UserRole.Staff);
        await DemoAssignment.StoreAsync(grader.Grains, "page-dry-closed", a => a with { ClosesAt = Past });
        await DemoAssignment.StoreAsync(grader.Grains, "page-dry-pending");
        await DemoAssignment.StoreAsync(grader.Grains, "page-dry-rate", a => a with { SupersedePending = true });
        var door = Door();
        await door.WhileDrainedAsync(async () =>
        {
            var studentPage = await grader.SignedInPageAsync(student, studentPassword);
            var opened = await studentPage.GotoAsync("/staff/assignments/page-dry-closed");
            Assert.Equal(403, opened!.Status);
            // With the student's own valid antiforgery token (from the submit form), so only the role can refuse it.
            await studentPage.GotoAsync("/");
            var token = await studentPage.Locator("input[name=__RequestVerificationToken]").First.InputValueAsync();
            var posted = await studentPage.Context.APIRequest.PostAsync("/staff/assignments/page-dry-closed?handler=DryRun",
                new() { Form = FormOf(studentPage, token, grader.Image("correct")), MaxRedirects = 0 });
            Assert.Equal(403, posted.Status);
            Assert.Equal(0, await door.TaskCountAsync(student, "page-dry-closed"));

            var pending = await door.FillPendingAsync("page-dry-pending", staff);
            var rate = await door.FillRateWindowAsync("page-dry-rate", staff);
            var made = new List<Guid>();
            try
            {
                var page = await grader.SignedInPageAsync(staff, staffPassword);
                foreach (var assignment in new[] { "page-dry-closed", "page-dry-pending", "page-dry-rate" })
                {
                    await page.GotoAsync($"/staff/assignments/{assignment}");
                    await page.GetByLabel("Reference image").FillAsync(grader.Image("correct"));
                    await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
                    await page.WaitForURLAsync("**/tasks/*");
                    var view = (await grader.Grains.GetGrain<ITaskGrain>(Guid.Parse(page.Url.Split('/')[^1])).GetAsync())!;
                    made.Add(view.Id);
                    Assert.Equal("dry-run", view.Spec.Source);
                    Assert.True(view.Spec.IncludePrivate);
                    Assert.Equal(assignment == "page-dry-closed" ? staff : null, view.Spec.ClosedOverrideBy);
                }

                await BrowserFixture.ScreenshotAsync(page, "door-dry-run-closed-override");
            }
            finally
            {
                await door.CancelAsync([.. pending, .. rate, .. made]);
            }
        });
    }

    private static IFormData FormOf(IPage page, string token, string image)
    {
        var form = page.Context.APIRequest.CreateFormData();
        form.Set("__RequestVerificationToken", token);
        form.Set("ReferenceImage", image);
        return form;
    }

    private async Task RefusedByFormAsync(IPage page, string assignmentId, string expected, string screenshot)
    {
        await page.GotoAsync($"/?assignment={assignmentId}");
        await page.GetByLabel("Docker image").FillAsync(grader.Image("correct"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Test my image" }).ClickAsync();
        await Assertions.Expect(page.Locator("#image-error")).ToContainTextAsync(expected);
        Assert.DoesNotContain("/tasks/", page.Url, StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(page, $"door-{screenshot}");
    }

    private static async Task RefusedRerunAsync(IPage page, Guid taskId, string expected, string screenshot)
    {
        await page.GotoAsync($"/tasks/{taskId}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run again" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("rerun-refusal")).ToContainTextAsync(expected);
        Assert.Contains(taskId.ToString(), page.Url, StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(page, $"door-{screenshot}");
    }
}
