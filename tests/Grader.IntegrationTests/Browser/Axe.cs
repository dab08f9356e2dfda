using Microsoft.Playwright;

namespace Grader.IntegrationTests.Browser;

/// <summary>axe-core (vendored in Browser/axe, never served by the product) run in a page under its real
/// Content-Security-Policy: the browser asks the page's own origin for the script, and the test answers
/// that request itself, so it never reaches the grader.</summary>
public static class Axe
{
    private const string ScriptPath = "/__tests/axe.min.js";

    private static readonly Lazy<string> Script = new(() =>
        File.ReadAllText(Path.Combine(LocalStack.RepoRoot, "tests", "Grader.IntegrationTests", "Browser", "axe", "axe.min.js")));

    /// <summary>Each serious or critical violation as "rule (impact): help — target, target".</summary>
    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
        {
            await page.RouteAsync($"**{ScriptPath}", route => route.FulfillAsync(new() { Body = Script.Value, ContentType = "text/javascript" }));
            await page.AddScriptTagAsync(new() { Url = ScriptPath });
        }

        return await page.EvaluateAsync<string[]>("""
            async () => (await axe.run(document, { resultTypes: ["violations"] })).violations
              .filter(v => v.impact === "serious" || v.impact === "critical")
              .map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map(n => n.target.join(" ")).join(", ")}`)
            """);
    }
}
