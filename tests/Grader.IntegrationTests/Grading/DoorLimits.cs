using Grader.Runners;
using Grader.Web.Browse;
using Microsoft.Extensions.Options;

namespace Grader.IntegrationTests.Grading;

/// <summary>Brings a student to the edge of a door rule through the submission grain (as any path
/// submits), so a path's test makes only the one submission the rule must refuse. Used while the host is
/// drained: the tasks stay unfinished and nothing runs.</summary>
public sealed class DoorLimits(IServiceProvider services, string host, string image)
{
    private readonly IGrainFactory _grains = services.GetRequiredService<IGrainFactory>();

    public SubmissionOptions Limits { get; } = services.GetRequiredService<IOptions<SubmissionOptions>>().Value;

    /// <summary>Runs <paramref name="body"/> with the host drained (queued tasks stay queued), then resumes it.</summary>
    public async Task WhileDrainedAsync(Func<Task> body)
    {
        var runner = _grains.GetGrain<IRunnerGrain>(host);
        await runner.DrainAsync();
        try
        {
            await body();
        }
        finally
        {
            await runner.ResumeAsync();
        }
    }

    /// <summary>A submission as <paramref name="userId"/> would make it; <paramref name="role"/> is the
    /// role the door is told, so a staff member's key can be filled as if they were a student.</summary>
    public async Task<Guid> SubmitAsync(string assignmentId, string userId, SubmitterRole role = SubmitterRole.Student)
    {
        var request = new SubmissionRequest(userId, assignmentId, image, userId, role, "test", Guid.NewGuid());
        var result = await _grains.GetGrain<ISubmissionGrain>(SubmissionKeys.For(assignmentId, userId)).SubmitAsync(request);
        return result.Task?.Id ?? throw new InvalidOperationException($"The door refused a setup submission: {result.Message}");
    }

    /// <summary>As many unfinished tasks as the student may have (on an assignment that does not supersede).</summary>
    public async Task<IReadOnlyList<Guid>> FillPendingAsync(string assignmentId, string userId)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < Limits.MaxPending; i++)
        {
            ids.Add(await SubmitAsync(assignmentId, userId));
        }

        return ids;
    }

    /// <summary>As many submissions as the rate window allows (on an assignment that supersedes, so the
    /// pending limit never stops them first).</summary>
    public async Task<IReadOnlyList<Guid>> FillRateWindowAsync(string assignmentId, string userId)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < Limits.RateLimit; i++)
        {
            ids.Add(await SubmitAsync(assignmentId, userId));
        }

        return ids;
    }

    /// <summary>The tasks of the student for the assignment, from the read model (written before a
    /// submission returns).</summary>
    public async Task<int> TaskCountAsync(string userId, string assignmentId) =>
        (await services.GetRequiredService<ReadModelQueries>().TasksAsync(new TaskFilter(userId, assignmentId, null, null, null, null), CancellationToken.None)).Count;

    /// <summary>Ends what a test left unfinished, so nothing waits in the queue for the next test.</summary>
    public async Task CancelAsync(IEnumerable<Guid> ids)
    {
        foreach (var id in ids)
        {
            await _grains.GetGrain<ITaskGrain>(id).CancelAsync("test cleanup");
        }
    }

    public async Task<GradingStatus?> StatusAsync(Guid id) => (await _grains.GetGrain<ITaskGrain>(id).GetAsync())?.Status;
}
