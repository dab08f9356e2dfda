using Grader.Evaluations;
using Grader.Web.Evaluations;

namespace Grader.UnitTests.Evaluations;

public class EvaluationProgressTests
{
    [Fact]
    public void EveryTaskFallsInExactlyOnePartOfTheBar()
    {
        GradingStatus[] statuses = [GradingStatus.Completed, GradingStatus.Completed, GradingStatus.Testing, GradingStatus.Preparing,
            GradingStatus.Queued, GradingStatus.Failed, GradingStatus.Cancelled, GradingStatus.Superseded];
        var entries = statuses.Select((_, i) => new EvaluationEntry(new EvaluationRow(i + 2, $"u{i}", "img", new Dictionary<string, string>()), Guid.NewGuid())).ToList();
        var tasks = entries.Zip(statuses).ToDictionary(p => p.First.TaskId, p => View(p.First.TaskId, p.Second));
        // A task not created yet (an interrupted start) counts as queued.
        entries.Add(new EvaluationEntry(new EvaluationRow(99, "late", "img", new Dictionary<string, string>()), Guid.NewGuid()));

        var progress = EvaluationProgress.Of(entries, tasks);

        Assert.Equal(new EvaluationProgress(2, 2, 2, 3, 9), progress);
        Assert.False(progress.Finished);
        Assert.True(EvaluationProgress.Of(entries[..2], tasks).Finished);
    }

    private static TaskView View(Guid id, GradingStatus status) =>
        new(id, new TaskSpec("u", "a", "i", true), status, 1, null, DateTimeOffset.UnixEpoch, null, null, null, null, [], [], null, null, false, 0, 0, null);
}
