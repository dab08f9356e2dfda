using System.Text;
using Grader.Evaluations;
using Grader.IntegrationTests.Browser;
using Microsoft.Playwright;

namespace Grader.IntegrationTests.Deployment;

/// <summary>Issue 14's bulk evaluation on a screen, in the published Production build: a class list with a
/// bad line runs its valid lines, the bad line's number is shown, the progress bar fills, the protocol
/// downloads, and Cancel ends what has not finished.</summary>
[Collection(PublishedCollection.Name)]
public sealed class EvaluationPageTests(PublishedFixture grader)
{
    [Fact]
    public async Task AClassListWithABadLineRunsTheRestToAFullBarAndAProtocol()
    {
        await DemoAssignment.StoreAsync(grader.Grains, "published-evaluation");
        var (page, problems) = await grader.SignedInAsAsync("eval-staff", UserRole.Staff);
        var csv = $"user,image,group\nann,{grader.Image("correct")},a\nben,{grader.Image("wrong")},a\nbad,not a valid image,b\ncid,{grader.Image("correct")},b\n";

        var evaluationId = await UploadAsync(page, "published-evaluation", csv);

        await Assertions.Expect(page.GetByTestId("rejected")).ToContainTextAsync("line 4: ");
        await Assertions.Expect(page.Locator("#evaluation-counts")).ToHaveAttributeAsync("data-finished", "true", new() { Timeout = 180_000 });
        await Assertions.Expect(page.Locator("[data-count=done]")).ToHaveTextAsync("3");
        await Assertions.Expect(page.Locator("[data-count=failed]")).ToHaveTextAsync("0");
        await Assertions.Expect(page.GetByTestId("cancel")).ToBeHiddenAsync();
        Assert.Equal("3", await page.Locator("#evaluation-progress").GetAttributeAsync("max"));
        Assert.Equal(3, await page.EvalOnSelectorAsync<int>("#evaluation-progress", "p => p.value"));
        await Screenshots.BothWidthsAsync(page, "staff-evaluation-finished");

        var protocol = await page.APIRequest.GetAsync(await page.GetByTestId("protocol").GetAttributeAsync("href") ?? "");
        Assert.Equal(200, protocol.Status);
        var lines = (await protocol.TextAsync()).Trim().Split('\n');
        Assert.StartsWith("user,image,group,task,status", lines[0], StringComparison.Ordinal);
        Assert.Equal(["ann", "ben", "cid"], lines[1..].Select(l => l.Split(',')[0]));
        Assert.All(lines[1..], l => Assert.Contains(",Completed,", l, StringComparison.Ordinal));
        var evaluation = (await grader.Grains.GetGrain<IEvaluationGrain>(evaluationId).GetAsync())!;
        Assert.Equal(3, evaluation.Entries.Count);
        Assert.DoesNotContain(evaluation.Entries, e => e.Row.UserId == "bad");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task CancelEndsEveryUnfinishedTaskOfTheEvaluation()
    {
        await DemoAssignment.StoreAsync(grader.Grains, "published-evaluation-cancel");
        var (page, _) = await grader.SignedInAsAsync("eval-cancel", UserRole.Staff);
        // An app that never listens keeps its task in the probe for its whole start-up timeout.
        var csv = new StringBuilder("user,image\n");
        for (var i = 1; i <= 3; i++)
        {
            csv.Append($"hang{i},{grader.Image("never-listen")}\n");
        }

        var evaluationId = await UploadAsync(page, "published-evaluation-cancel", csv.ToString());
        await Assertions.Expect(page.Locator("#evaluation-counts")).ToHaveAttributeAsync("data-finished", "false");
        await page.GetByTestId("cancel").ClickAsync();

        await Assertions.Expect(page.Locator("#evaluation-counts")).ToHaveAttributeAsync("data-finished", "true", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-count=failed]")).ToHaveTextAsync("3");
        await Screenshots.BothWidthsAsync(page, "staff-evaluation-cancelled");
        var evaluation = (await grader.Grains.GetGrain<IEvaluationGrain>(evaluationId).GetAsync())!;
        foreach (var entry in evaluation.Entries)
        {
            var task = await grader.Transitions.WaitForAsync(entry.TaskId, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(1));
            Assert.Equal(GradingStatus.Cancelled, task.Status);
        }
    }


    private static async Task<Guid> UploadAsync(IPage page, string assignmentId, string csv)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Evaluations" }).ClickAsync();
        await page.GetByLabel("Assignment").SelectOptionAsync(assignmentId);
        await page.GetByLabel("Class list (CSV)").SetInputFilesAsync(new FilePayload { Name = "class.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await Screenshots.BothWidthsAsync(page, $"staff-evaluation-new-{assignmentId}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start evaluation" }).ClickAsync();
        await page.WaitForURLAsync("**/staff/evaluations/*-*");
        return Guid.Parse(page.Url.Split('/')[^1]);
    }
}
