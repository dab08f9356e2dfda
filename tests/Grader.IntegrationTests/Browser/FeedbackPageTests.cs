using System.Text.RegularExpressions;
using Grader.IntegrationTests.Deployment;
using Grader.Tasks;
using Microsoft.Playwright;

namespace Grader.IntegrationTests.Browser;

/// <summary>Acceptance 1 of issue 13: the task page reads like a test runner's report, its badge matches
/// the score, and live updates respect the reader (focus stays, only the status line is announced).
/// On the published Production build (fingerprinted scripts, Production error handling), as deployed.</summary>
[Collection(PublishedCollection.Name)]
public sealed partial class FeedbackPageTests(PublishedFixture grader)
{
    private static readonly Regex Finished = new("Completed|Failed");

    [Fact]
    public async Task FailedStepShowsTheRequestCurlAndASideBySideDiffWithHighlightedPathsAndAPartialBadge()
    {
        await DemoAssignment.StoreAsync(grader.Grains, "browser-diff");
        var (user, password) = await grader.AccountAsync($"dif-{LocalStack.RunId}", UserRole.Student);
        var page = await grader.SignedInPageAsync(user, password);

        await PublishedFixture.SubmitAsync(page, "browser-diff", grader.Image("wrong"), "feedback-1-submit");
        await Assertions.Expect(page.GetByTestId("task-status")).ToHaveTextAsync(Finished, new() { Timeout = 120_000 });

        // 'wrong' passes some steps and fails others: a partial score, not a green "Completed".
        await Assertions.Expect(page.GetByTestId("score-badge")).ToHaveAttributeAsync("data-share", "partial");
        await Assertions.Expect(page.GetByTestId("score-badge")).ToHaveTextAsync("Partial score");
        Assert.DoesNotContain("ok", await page.GetByTestId("task-status").GetAttributeAsync("class") ?? "", StringComparison.Ordinal);

        var create = page.Locator("[data-testid=step][data-key='create/0']");
        await Assertions.Expect(create).ToHaveAttributeAsync("open", "open");
        await Assertions.Expect(create.GetByTestId("request-body")).ToContainTextAsync("\"name\": \"New\"");
        await Assertions.Expect(create.GetByTestId("request-headers")).ToContainTextAsync("Content-Type: application/json");
        await Assertions.Expect(create.GetByTestId("curl")).ToContainTextAsync("curl -i -X POST 'http://localhost:8000/v1/items'");
        await Assertions.Expect(create.GetByRole(AriaRole.Button, new() { Name = "Copy curl" })).ToBeVisibleAsync();

        var sides = create.GetByTestId("side-by-side").Locator("figure");
        await Assertions.Expect(sides).ToHaveCountAsync(2);
        // The wrong app upper-cases the name: that line is highlighted on both sides, the rest is not.
        await Assertions.Expect(sides.Nth(0).Locator(".ln.hl[data-path='$.name']")).ToHaveCountAsync(1);
        await Assertions.Expect(sides.Nth(1).Locator(".ln.hl[data-path='$.name']")).ToHaveCountAsync(1);
        await Assertions.Expect(sides.Nth(0).Locator(".ln.hl[data-path='$.id']")).ToHaveCountAsync(0);
        // Matchers are shown as matchers, not as strings.
        var list = page.Locator("[data-testid=step][data-key='list/0']");
        var listSides = list.GetByTestId("side-by-side").Locator("figure");
        await Assertions.Expect(listSides.Nth(0).Locator(".matcher").First).ToHaveTextAsync(new Regex("^#datetime"));
        // The wrong app drops the first of two items: one "missing item" row, not a length row and a
        // cascade of value mismatches; the dropped item is highlighted on the expected side only.
        var rows = list.GetByTestId("mismatch");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First.Locator("td").Nth(0)).ToHaveTextAsync("$.items[0]");
        await Assertions.Expect(rows.First.Locator("td").Nth(1)).ToHaveTextAsync("missing item");
        await Assertions.Expect(listSides.Nth(0).Locator(".ln.hl[data-path='$.items[0]']").First).ToBeVisibleAsync();
        Assert.All(await listSides.Nth(0).Locator(".ln.hl").EvaluateAllAsync<string[]>("lines => lines.map(l => l.dataset.path)"),
            path => Assert.StartsWith("$.items[0]", path, StringComparison.Ordinal));
        await Assertions.Expect(listSides.Nth(1).Locator(".ln.hl")).ToHaveCountAsync(0);
        await PublishedFixture.ScreenshotAsync(page, "feedback-2-diff");

        await Assertions.Expect(page.GetByTestId("reproduce-test")).ToHaveTextAsync("grader test --suite suite.yaml --base-url http://localhost:8000");
        await Assertions.Expect(page.GetByTestId("reproduce-docker")).ToContainTextAsync("-e DATABASE_PASSWORD='<your password>'");
        await Assertions.Expect(page.GetByTestId("reproduce-docker")).ToContainTextAsync(grader.Image("wrong"));
    }

    [Fact]
    public async Task CrashedAppGetsANoPointsBadgeAndItsLogsOpen()
    {
        await DemoAssignment.StoreAsync(grader.Grains, "browser-crash");
        var (user, password) = await grader.AccountAsync($"crs-{LocalStack.RunId}", UserRole.Student);
        var page = await grader.SignedInPageAsync(user, password);

        await PublishedFixture.SubmitAsync(page, "browser-crash", grader.Image("crash"), "feedback-3-crash");
        await Assertions.Expect(page.GetByTestId("task-status")).ToHaveTextAsync("Failed", new() { Timeout = 120_000 });

        await Assertions.Expect(page.GetByTestId("score-badge")).ToHaveAttributeAsync("data-share", "none");
        await Assertions.Expect(page.GetByTestId("score-badge")).ToHaveTextAsync("No points");
        await Assertions.Expect(page.GetByTestId("logs")).ToHaveAttributeAsync("open", "open");
        await Assertions.Expect(page.GetByTestId("logs").Locator("pre")).ToContainTextAsync("fatal: could not read configuration file");
        await PublishedFixture.ScreenshotAsync(page, "feedback-4-crash");
    }

    [Fact]
    public async Task QueuePositionCountsDownWhileFocusStaysOnRunAgainAndOnlyTheStatusLineIsLive()
    {
        // Four blockers fill the host's four slots, the first of them for a shorter time; one more task of
        // the student waits ahead of the watched one. So the watched task is 2nd in line, then 1st, then runs.
        await DemoAssignment.StoreAsync(grader.Grains, "browser-queue-short", a => a with { StartupTimeoutSeconds = 6 });
        await DemoAssignment.StoreAsync(grader.Grains, "browser-queue-long", a => a with { StartupTimeoutSeconds = 12 });
        await DemoAssignment.StoreAsync(grader.Grains, "browser-queue");
        var (user, password) = await grader.AccountAsync($"que-{LocalStack.RunId}", UserRole.Student);
        var blockers = new List<Task<TaskView>>();
        foreach (var assignment in new[] { "browser-queue-short", "browser-queue-long", "browser-queue-long", "browser-queue-long" })
        {
            blockers.Add(await SubmitAsync(new TaskSpec($"blocker-{LocalStack.RunId}", assignment, grader.Image("never-listen"), false), v => v.Status != GradingStatus.Queued));
        }

        await Task.WhenAll(blockers);
        // Stored in line before the watched task is submitted, so it is ahead of it.
        var ahead = await SubmitAsync(new TaskSpec(user, "browser-queue-long", grader.Image("never-listen"), false), v => v.Status.IsTerminal());
        var watched = Guid.NewGuid();
        var done = grader.Transitions.WaitForAsync(watched, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(2));
        await grader.Grains.GetGrain<ITaskGrain>(watched).SubmitAsync(new TaskSpec(user, "browser-queue", grader.Image("correct"), false));

        var page = await grader.SignedInPageAsync(user, password);
        await page.AddInitScriptAsync("""
            window.__positions = [];
            new MutationObserver(() => {
              const p = document.querySelector('[data-testid=queue-position]');
              const value = p ? p.dataset.position : 'gone';
              if (window.__positions[window.__positions.length - 1] !== value) window.__positions.push(value);
            }).observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
            // Focused before the first live update arrives, so that update must keep it too.
            document.addEventListener('DOMContentLoaded', () => document.getElementById('rerun')?.focus());
            """);
        await page.GotoAsync($"/tasks/{watched}");
        await Assertions.Expect(page.GetByTestId("queue-position")).ToHaveAttributeAsync("data-position", "1");
        var rerun = page.GetByRole(AriaRole.Button, new() { Name = "Run again" });
        await rerun.FocusAsync();

        await Assertions.Expect(page.GetByTestId("queue-position")).ToHaveAttributeAsync("data-position", "0", new() { Timeout = 30_000 });
        await PublishedFixture.ScreenshotAsync(page, "feedback-5-queue");
        await Assertions.Expect(page.GetByTestId("task-status")).ToHaveTextAsync("Completed", new() { Timeout = 120_000 });
        await done;

        Assert.Equal(["1", "0", "gone"], (await page.EvaluateAsync<string[]>("window.__positions")).Take(3));
        // Every update was patched into place: the button the reader was on still has focus.
        Assert.Equal("rerun", await page.EvaluateAsync<string>("document.activeElement && document.activeElement.id"));
        Assert.Equal(1, await page.EvaluateAsync<int>("document.querySelectorAll('[aria-live], [role=status], [role=alert]').length"));
        await Assertions.Expect(page.Locator("#task-live [role=status]")).ToContainTextAsync("Completed");
        await ahead;
    }

    /// <summary>Submits, and once the task is stored returns the wait for the state it should reach.</summary>
    private async Task<Task<TaskView>> SubmitAsync(TaskSpec spec, Func<TaskView, bool> until)
    {
        var id = Guid.NewGuid();
        var reached = grader.Transitions.WaitForAsync(id, until, TimeSpan.FromMinutes(2));
        await grader.Grains.GetGrain<ITaskGrain>(id).SubmitAsync(spec);
        return reached;
    }
}
