using Grader.IntegrationTests.Browser;
using Microsoft.Playwright;

namespace Grader.IntegrationTests.Deployment;

/// <summary>Issue 14's suite editor in the published Production build: line numbers that scroll with the
/// text, errors first with each line:column a link that puts the caret there, a diff against the stored
/// suite before saving, Back storing nothing, Save storing the reviewed text byte for byte, and the same
/// review and save without JavaScript.</summary>
[Collection(PublishedCollection.Name)]
public sealed class SuiteEditorPageTests(PublishedFixture grader)
{
    private const string Id = "published-suite-editor";

    [Fact]
    public async Task ErrorsComeFirstAndLeadToTheirPlaceTheDiffIsReviewedAndSaveStoresExactlyIt()
    {
        await DemoAssignment.StoreAsync(grader.Grains, Id);
        var original = Suite(Enumerable.Range(1, 15).Select(i => Scenario($"s{i}", $"Scenario {i}")));
        Assert.True((await Assignment.SetSuiteAsync(original, $"{Id}.yaml")).Stored);
        var (page, problems) = await grader.SignedInAsAsync("suite-editor", UserRole.Staff);

        await page.GotoAsync($"/staff/assignments/{Id}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit the suite" }).ClickAsync();
        var editor = page.GetByLabel("…or edit it here");
        await Assertions.Expect(editor).ToHaveValueAsync(original);
        var gutter = page.Locator(".code-editor .gutter");
        Assert.StartsWith("1\n2\n3\n", await gutter.TextContentAsync(), StringComparison.Ordinal);
        await editor.EvaluateAsync("a => { a.scrollTop = 300; a.dispatchEvent(new Event('scroll')); }");
        Assert.Equal(await editor.EvaluateAsync<double>("a => a.scrollTop"), await gutter.EvaluateAsync<double>("g => g.scrollTop"));
        Assert.True(await gutter.EvaluateAsync<double>("g => g.scrollTop") > 0);
        await Screenshots.BothWidthsAsync(page, "staff-suite-editor");

        // The mistake is far down, out of the text box's view, so following its link must scroll there.
        var broken = original + "  - id: bad\n    title: Bad\n    visibility: public\n    requets:\n      method: GET\n      path: /v1/hello\n";
        await editor.FillAsync(broken);
        await page.GetByRole(AriaRole.Button, new() { Name = "Review changes" }).ClickAsync();
        var errors = page.GetByTestId("suite-errors");
        await Assertions.Expect(errors).ToContainTextAsync("The suite was not stored.");
        Assert.True((await errors.BoundingBoxAsync())!.Y < (await editor.BoundingBoxAsync())!.Y, "the errors come before the editor");
        var requets = broken.Split('\n').ToList().FindIndex(l => l.Contains("requets", StringComparison.Ordinal)) + 1;
        var link = errors.Locator("a.error-link", new() { HasText = $"{Id}.yaml:{requets}:" }).First;
        var (line, column) = (int.Parse((await link.GetAttributeAsync("data-line"))!), int.Parse((await link.GetAttributeAsync("data-column"))!));
        await Assertions.Expect(link).ToHaveTextAsync($"{Id}.yaml:{line}:{column}");
        await Assertions.Expect(editor).ToHaveValueAsync(broken);
        await Screenshots.BothWidthsAsync(page, "staff-suite-errors");

        await link.ClickAsync();
        await Assertions.Expect(editor).ToBeFocusedAsync();
        var caret = broken.Split('\n')[..(line - 1)].Sum(l => l.Length + 1) + column - 1;
        Assert.Equal(caret, await editor.EvaluateAsync<int>("a => a.selectionStart"));
        Assert.Equal(caret, await editor.EvaluateAsync<int>("a => a.selectionEnd"));
        var view = await editor.EvaluateAsync<double[]>("a => [a.scrollTop, a.clientHeight, parseFloat(getComputedStyle(a).lineHeight)]");
        var lineTop = (line - 1) * view[2];
        Assert.True(view[0] > 0 && lineTop >= view[0] && lineTop + view[2] <= view[0] + view[1], $"line {line} at {lineTop}px is out of view ({view[0]}..{view[0] + view[1]})");
        Assert.Equal(view[0], await gutter.EvaluateAsync<double>("g => g.scrollTop"));

        var changed = original.Replace("title: Scenario 3\n", "title: Scenario three\n", StringComparison.Ordinal) + Scenario("added", "Added later");
        await editor.FillAsync(changed);
        await page.GetByRole(AriaRole.Button, new() { Name = "Review changes" }).ClickAsync();
        var diff = page.GetByTestId("suite-diff");
        await Assertions.Expect(page.GetByTestId("review-summary")).ToContainTextAsync("16 scenarios");
        Assert.Equal(["title: Scenario 3"], (await diff.Locator("tr[data-change=removed] td.code").AllTextContentsAsync()).Select(t => t.Trim()));
        Assert.Equal(["title: Scenario three", .. Scenario("added", "Added later").TrimEnd('\n').Split('\n').Select(l => l.Trim())],
            (await diff.Locator("tr[data-change=added] td.code").AllTextContentsAsync()).Select(t => t.Trim()));
        await Assertions.Expect(diff.Locator("tr.fold").First).ToContainTextAsync("unchanged lines");
        await Screenshots.BothWidthsAsync(page, "staff-suite-review");

        await page.GetByRole(AriaRole.Button, new() { Name = "Back to the editor" }).ClickAsync();
        await Assertions.Expect(editor).ToHaveValueAsync(changed);
        Assert.Equal(original, await Assignment.GetSuiteAsync());

        await page.GetByRole(AriaRole.Button, new() { Name = "Review changes" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save suite" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("Suite stored: 16 scenarios");
        Assert.Equal(changed, await Assignment.GetSuiteAsync());
        Assert.Empty(problems);
    }

    [Fact]
    public async Task WithoutJavaScriptTheEditorIsAPlainTextBoxThatStillReviewsAndSaves()
    {
        const string id = Id + "-nojs";
        await DemoAssignment.StoreAsync(grader.Grains, id);
        var assignment = grader.Grains.GetGrain<IAssignmentGrain>(id);
        var original = Suite([Scenario("one", "One")]);
        Assert.True((await assignment.SetSuiteAsync(original, $"{id}.yaml")).Stored);
        var (staff, password) = await grader.AccountAsync($"suite-nojs-{LocalStack.RunId}", UserRole.Staff);
        var context = await grader.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = grader.BaseUrl, JavaScriptEnabled = false });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/sign-in");
        await page.GetByLabel("Username").FillAsync(staff);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/sign-in", StringComparison.Ordinal));

        await page.GotoAsync($"/staff/assignments/{id}/suite");
        await Assertions.Expect(page.Locator(".code-editor .gutter")).ToHaveCountAsync(0);
        var editor = page.GetByLabel("…or edit it here");
        await editor.FillAsync(original + "  - id: two\n    title: Two\n");
        await page.GetByRole(AriaRole.Button, new() { Name = "Review changes" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("suite-errors").Locator("a.error-link").First).ToHaveAttributeAsync("href", "#suite-text");
        Assert.Equal(original, await assignment.GetSuiteAsync());

        var changed = original + Scenario("two", "Two");
        await editor.FillAsync(changed);
        await page.GetByRole(AriaRole.Button, new() { Name = "Review changes" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("suite-diff").Locator("tr[data-change=added]")).ToHaveCountAsync(Scenario("two", "Two").Count(c => c == '\n'));
        await page.GetByRole(AriaRole.Button, new() { Name = "Save suite" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("Suite stored: 2 scenarios");
        Assert.Equal(changed, await assignment.GetSuiteAsync());
        await context.CloseAsync();
    }

    private IAssignmentGrain Assignment => grader.Grains.GetGrain<IAssignmentGrain>(Id);

    private static string Suite(IEnumerable<string> scenarios) => "version: 1\nscenarios:\n" + string.Concat(scenarios);

    private static string Scenario(string id, string title) =>
        $"  - id: {id}\n    title: {title}\n    visibility: public\n    steps:\n      - request: {{ method: GET, path: /v1/hello }}\n        expect: {{ status: 200 }}\n";
}
