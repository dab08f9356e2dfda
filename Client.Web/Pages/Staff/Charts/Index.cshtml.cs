using Grader.Web.Auth.Http;
using Grader.Web.Browse;
using Grader.Web.Charts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Grader.Web.Pages.Staff.Charts;

/// <summary>The charts page: each chart is drawn in the browser from its /api/charts endpoint, and the same
/// numbers are rendered here as a table, so the page says everything without script or sight.</summary>
[Authorize(Policy = AuthSchemes.StaffPolicy)]
public sealed class ChartsIndexModel(ChartQueries charts, ReadModelQueries queries) : PageModel
{
    public ChartFilter Filter { get; private set; } = ChartFilter.Of(null, null);

    public IReadOnlyList<AssignmentRow> Assignments { get; private set; } = [];

    public IReadOnlyList<DailyCount> Submissions { get; private set; } = [];

    public VerdictsChart Verdicts { get; private set; } = new([], []);

    public IReadOnlyList<ScenarioPassRate> Scenarios { get; private set; } = [];

    public IReadOnlyList<ScoreBucket> Scores { get; private set; } = [];

    public IReadOnlyList<LatencyDay> Latency { get; private set; } = [];

    public IReadOnlyList<HostSlots> Slots { get; private set; } = [];

    /// <summary>The query string every chart's endpoint gets, so the drawing shows what the tables show.</summary>
    public string Query => QueryString.Create(new Dictionary<string, string?>
    {
        ["assignmentId"] = Filter.AssignmentId ?? "",
        ["days"] = Filter.Days.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }).Value!;

    public async Task OnGetAsync(string? assignmentId, int? days, CancellationToken ct)
    {
        Filter = ChartFilter.Of(assignmentId, days);
        Assignments = await queries.AssignmentsAsync(ct);
        Submissions = await charts.SubmissionsAsync(Filter, ct);
        Verdicts = await charts.VerdictsAsync(Filter, ct);
        Scenarios = await charts.ScenariosAsync(Filter, ct);
        Scores = await charts.ScoresAsync(Filter, ct);
        Latency = await charts.LatencyAsync(Filter, ct);
        Slots = await charts.SlotsAsync(Filter, ct);
    }
}
