using Grader.Web.Browse;
using Grader.Web.Charts;
using Grader.Web.Evaluations;
using Npgsql;

namespace Grader.IntegrationTests.Staff;

/// <summary>The charts' endpoints give the right numbers for a known set of tasks, and the keyset-paged lists
/// return every row exactly once, in order, forwards and back.</summary>
[Collection(GradingCollection.Name)]
public sealed class ChartsApiTests(GraderFixture grader)
{
    [Fact]
    public async Task EveryChartEndpointCountsTheKnownTasksOfTheWindow()
    {
        var assignment = $"charts-{LocalStack.RunId}";
        var now = await ChartRows.InsertKnownSetAsync(grader.StateDatabase, assignment);
        var query = $"?assignmentId={assignment}&days=30";

        var days = await GetAsync<List<DailyCount>>("submissions" + query);
        Assert.Equal(30, days.Count);
        Assert.Equal(DateOnly.FromDateTime(now.UtcDateTime), days[^1].Day);
        Assert.Equal(4, days.Sum(d => d.Tasks));
        Assert.Equal(1, days.Single(d => d.Day == DateOnly.FromDateTime(now.AddDays(-2).UtcDateTime)).Tasks);

        var verdicts = await GetAsync<VerdictsChart>("verdicts" + query);
        Assert.Equal([assignment], verdicts.Assignments);
        Assert.Equal([("Completed", 3L), ("Failed", 1L)], verdicts.Series.Select(s => (s.Status, s.Counts.Single())));

        var scenarios = await GetAsync<List<ScenarioPassRate>>("scenarios" + query);
        Assert.Equal([("orders", 1L, 3L), ("login", 2L, 3L)], scenarios.Select(s => (s.ScenarioId, s.Passed, s.Tasks)));

        var scores = await GetAsync<List<ScoreBucket>>("scores" + query);
        Assert.Equal([1L, 0, 0, 0, 0, 1, 0, 0, 0, 1], scores.Select(b => b.Tasks));

        var latency = await GetAsync<List<LatencyDay>>("latency" + query);
        Assert.Equal(3, latency.Sum(d => d.Tasks));
        var twoDaysAgo = latency.Single(d => d.Day == DateOnly.FromDateTime(now.AddDays(-2).UtcDateTime));
        Assert.Equal((5d, 25d), (twoDaysAgo.MedianWait, twoDaysAgo.MedianResult));
        var yesterday = latency.Single(d => d.Day == DateOnly.FromDateTime(now.AddDays(-1).UtcDateTime));
        Assert.Equal((15d, 45d), (yesterday.P90Wait, yesterday.P90Result));

        // The older task counts once the window reaches it.
        Assert.Equal(5, (await GetAsync<List<DailyCount>>($"submissions?assignmentId={assignment}&days=60")).Sum(d => d.Tasks));
    }

    [Fact]
    public async Task TheSlotsChartShowsThisHostsSamples()
    {
        var hosts = await GetAsync<List<HostSlots>>("slots?days=1");

        var host = Assert.Single(hosts, h => h.Host == grader.HostName);
        Assert.Equal(4, host.Slots);
        Assert.NotEmpty(host.Points);
        Assert.All(host.Points, p => Assert.InRange(p.InUse, 0, 4));
    }

    [Fact]
    public async Task PagingThroughMoreTasksThanAPageHoldsReturnsEveryTaskOnceInOrder()
    {
        var user = $"pager-{LocalStack.RunId}";
        var start = DateTimeOffset.UtcNow.AddHours(-3);
        for (var i = 0; i < 123; i++)
        {
            // Every third task shares its time with the one before: the id must break the tie.
            await ChartRows.InsertAsync(grader.StateDatabase, "pager-a", new("Completed", start.AddSeconds(i - (i % 3 == 2 ? 1 : 0)), User: user));
        }

        var expected = await IdsInOrderAsync($"SELECT task_id FROM task_summary WHERE user_id = '{user}' ORDER BY created_at DESC, task_id DESC");
        var queries = grader.Services.GetRequiredService<ReadModelQueries>();
        var filter = new TaskFilter(user, null, null, null, null, null);
        var pages = new List<KeysetPage<TaskRow>>();
        var request = new PageRequest(null, null, 50);
        do
        {
            pages.Add(await queries.TaskPageAsync(filter, request, CancellationToken.None));
            request = new PageRequest(pages[^1].Next, null, 50);
        }
        while (pages[^1].Next is not null);

        Assert.Equal([50, 50, 23], pages.Select(p => p.Rows.Count));
        Assert.All(pages, p => Assert.Equal(123, p.Total));
        Assert.Equal(expected, pages.SelectMany(p => p.Rows).Select(r => r.TaskId));

        var back = new List<Guid>();
        var page = pages[^1];
        while (page.Previous is not null)
        {
            page = await queries.TaskPageAsync(filter, new PageRequest(null, page.Previous, 50), CancellationToken.None);
            back.InsertRange(0, page.Rows.Select(r => r.TaskId));
        }

        Assert.Equal(expected.Take(100), back);
    }

    [Fact]
    public async Task PastEvaluationsPageInOrderAndCountTheirTasksAsTheProgressBarDoes()
    {
        var assignment = $"evals-{LocalStack.RunId}";
        var start = DateTimeOffset.UtcNow.AddHours(-2);
        var done = await ChartRows.InsertAsync(grader.StateDatabase, assignment, new("Completed", start, 10, 10, 1, 2));
        var failed = await ChartRows.InsertAsync(grader.StateDatabase, assignment, new("Cancelled", start));
        var running = await ChartRows.InsertAsync(grader.StateDatabase, assignment, new("Testing", start));
        for (var i = 0; i < 57; i++)
        {
            await ChartRows.InsertEvaluationAsync(grader.StateDatabase, Guid.NewGuid(), assignment, start.AddMinutes(i / 2), i == 56 ? [done, failed, running] : []);
        }

        var expected = await IdsInOrderAsync($"SELECT evaluation_id FROM evaluation_summary WHERE assignment_id = '{assignment}' ORDER BY created_at DESC, evaluation_id DESC");
        var list = grader.Services.GetRequiredService<EvaluationListQueries>();
        var rows = new List<EvaluationListRow>();
        var request = new PageRequest(null, null, 20);
        KeysetPage<EvaluationListRow> page;
        do
        {
            page = await list.PageAsync(assignment, request, CancellationToken.None);
            Assert.Equal(57, page.Total);
            rows.AddRange(page.Rows);
            request = new PageRequest(page.Next, null, 20);
        }
        while (page.Next is not null);

        Assert.Equal(expected, rows.Select(r => r.Id));
        var newest = rows[0];
        Assert.Equal((3, 1L, 1L, 1L, false), (newest.Tasks, newest.Done, newest.Failed, newest.Unfinished, newest.Finished));
    }

    [Fact]
    public async Task StartingAnEvaluationListsItWithItsTasks()
    {
        var assignment = $"evals-grain-{LocalStack.RunId}";
        await grader.DemoAssignmentAsync(assignment);
        var id = Guid.NewGuid();
        var rows = new[] { new Grader.Evaluations.EvaluationRow(2, $"ev-{LocalStack.RunId}", grader.Image("correct"), new Dictionary<string, string>()) };
        var view = await grader.Grains.GetGrain<Grader.Evaluations.IEvaluationGrain>(id).StartAsync(assignment, "chart-staff", rows, ["line 3: no image"]);
        await grader.FinalAsync(view.Entries[0].TaskId);

        // The task grain tells its watchers before it writes its summary row, so the list may lag a moment.
        var list = grader.Services.GetRequiredService<EvaluationListQueries>();
        var page = await list.PageAsync(assignment, new PageRequest(null, null), CancellationToken.None);
        for (var i = 0; i < 50 && page.Rows is [{ Finished: false }]; i++)
        {
            await Task.Delay(100);
            page = await list.PageAsync(assignment, new PageRequest(null, null), CancellationToken.None);
        }

        var row = Assert.Single(page.Rows);
        Assert.Equal((id, "chart-staff", 1, 1, 1L, true), (row.Id, row.CreatedBy, row.Tasks, row.Rejected, row.Done, row.Finished));
        Assert.NotNull(row.LastFinishedAt);
    }

    private async Task<T> GetAsync<T>(string path)
    {
        var response = await grader.Http.GetAsync($"/api/charts/{path}");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<T>(GraderFixture.Json))!;
    }

    private async Task<List<Guid>> IdsInOrderAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(LocalStack.AdminConnectionString(grader.StateDatabase));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }
}
