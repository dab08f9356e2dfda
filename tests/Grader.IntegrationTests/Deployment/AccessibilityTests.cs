using Grader.IntegrationTests.Browser;
using Microsoft.Playwright;

namespace Grader.IntegrationTests.Deployment;

/// <summary>Issue 14's accessibility acceptance in the published Production build: axe-core finds no
/// serious or critical violation on any screen, at desktop width or at 375 px. A new screen is one line
/// in <see cref="Screens"/>.</summary>
[Collection(PublishedCollection.Name)]
public sealed class AccessibilityTests(PublishedFixture grader)
{
    private const string AssignmentId = "published-axe";

    public enum Who
    {
        Anonymous,
        Student,
        Staff,
        Admin,
    }

    /// <param name="Path">{assignment} and {task} stand for the test's assignment and a graded task of it.</param>
    /// <param name="Shots">False where another test already saves this screen at both widths.</param>
    /// <param name="Then">What to do on the page before it is checked (fill a form, wait for a script).</param>
    public sealed record Screen(string Name, string Path, Who Who, bool Shots = true, Func<IPage, Task>? Then = null);

    private static readonly Screen[] Screens =
    [
        new("sign-in", "/sign-in", Who.Anonymous),
        new("student-home", "/", Who.Student),
        new("student-assignments", "/assignments", Who.Student),
        new("student-assignment", "/assignments/{assignment}", Who.Student),
        new("student-tasks", "/tasks", Who.Student),
        new("student-task", "/tasks/{task}", Who.Student),
        new("status-not-found", "/status/404", Who.Student),
        new("staff-assignments", "/staff/assignments", Who.Staff),
        new("staff-assignment-edit", "/staff/assignments/{assignment}", Who.Staff),
        new("staff-suite-editor", "/staff/assignments/{assignment}/suite", Who.Staff, Shots: false),
        new("staff-suite-errors", "/staff/assignments/{assignment}/suite", Who.Staff, Shots: false, Then: ReviewAsync("version: 1\nscenarios:\n  - id: x\n    requets: {}\n")),
        new("staff-suite-review", "/staff/assignments/{assignment}/suite", Who.Staff, Shots: false, Then: ReviewAsync(null)),
        new("staff-gradebook", "/staff/assignments/{assignment}/gradebook", Who.Staff),
        new("staff-tasks", "/tasks", Who.Staff),
        new("staff-task", "/tasks/{task}", Who.Staff),
        new("staff-evaluations", "/staff/evaluations", Who.Staff),
        new("staff-evaluations-past", "/staff/evaluations/past", Who.Staff),
        new("staff-charts", "/staff/charts", Who.Staff, Shots: false),
        new("staff-queries", "/staff/queries", Who.Staff, Shots: false),
        new("staff-query-result", "/staff/queries/submissions-per-hour", Who.Staff),
        new("staff-hosts", "/staff/hosts", Who.Staff),
        new("staff-api-docs", "/api-docs", Who.Staff, Shots: false, Then: page => page.Locator(".api-operation").First.WaitForAsync()),
        new("admin", "/admin", Who.Admin),
        new("admin-users", "/admin/users", Who.Admin, Shots: false),
        new("admin-tokens", "/admin/tokens", Who.Admin, Shots: false),
        new("admin-audit", "/admin/audit", Who.Admin, Shots: false),
        new("admin-sources", "/admin/sources", Who.Admin),
    ];

    [Fact]
    public async Task NoScreenHasASeriousOrCriticalViolation()
    {
        await DemoAssignment.StoreAsync(grader.Grains, AssignmentId);
        var pages = new Dictionary<Who, IPage>
        {
            [Who.Anonymous] = await (await grader.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = grader.BaseUrl })).NewPageAsync(),
        };
        foreach (var (who, role) in new[] { (Who.Student, UserRole.Student), (Who.Staff, UserRole.Staff), (Who.Admin, UserRole.Admin) })
        {
            var (name, password) = await grader.AccountAsync($"axe-{who.ToString().ToLowerInvariant()}-{LocalStack.RunId}", role);
            pages[who] = await grader.SignedInPageAsync(name, password);
        }

        var task = await PublishedFixture.SubmitAsync(pages[Who.Student], AssignmentId, grader.Image("wrong"), "axe-submit");
        await Assertions.Expect(pages[Who.Student].GetByTestId("task-status")).ToHaveTextAsync("Completed", new() { Timeout = 180_000 });

        var violations = new List<string>();
        foreach (var screen in Screens)
        {
            var page = pages[screen.Who];
            var response = await page.GotoAsync(screen.Path.Replace("{assignment}", AssignmentId, StringComparison.Ordinal).Replace("{task}", task.ToString(), StringComparison.Ordinal));
            Assert.True(response!.Status < 400 || screen.Name.StartsWith("status-", StringComparison.Ordinal), $"{screen.Name}: {screen.Path} answered {response.Status}");
            if (screen.Then is not null)
            {
                await screen.Then(page);
            }

            foreach (var width in new[] { 1280, 375 })
            {
                await page.SetViewportSizeAsync(width, 800);
                try
                {
                    violations.AddRange((await Axe.SeriousViolationsAsync(page)).Select(v => $"{screen.Name} at {width} px: {v}"));
                }
                catch (PlaywrightException e)
                {
                    violations.Add($"{screen.Name} at {width} px: axe failed: {e.Message.Split('\n')[0]}");
                }
            }

            if (screen.Shots)
            {
                await Screenshots.BothWidthsAsync(page, $"axe-{screen.Name}");
            }
        }

        Assert.True(violations.Count == 0, $"{violations.Count} serious or critical violations:\n{string.Join('\n', violations)}");
    }

    /// <summary>Sends the editor's text (or, with null, the stored suite with one scenario more) for review.</summary>
    private static Func<IPage, Task> ReviewAsync(string? text) => async page =>
    {
        var editor = page.GetByLabel("…or edit it here");
        await editor.FillAsync(text ?? (await editor.InputValueAsync()).Replace("scenarios:\n", "scenarios:\n  - id: axe-extra\n    title: Extra\n    visibility: public\n    steps:\n      - request: { method: GET, path: /v1/hello }\n        expect: { status: 200 }\n", StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Button, new() { Name = "Review changes" }).ClickAsync();
        await page.WaitForLoadStateAsync();
    };
}
