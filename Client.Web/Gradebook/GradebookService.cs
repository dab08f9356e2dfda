using Grader.Assignments;

namespace Grader.Web.Gradebook;

/// <summary>Builds an assignment's gradebook: its definition from the grain, its tasks from the read model.</summary>
public sealed class GradebookService(GradebookQueries queries, IGrainFactory grains)
{
    /// <summary>Null when there is no such assignment.</summary>
    public async Task<GradebookGrid?> BuildAsync(string assignmentId, GradebookFilter filter, CancellationToken ct)
    {
        if (await grains.GetGrain<IAssignmentGrain>(assignmentId).GetAsync() is not { } assignment)
        {
            return null;
        }

        return GradebookGrids.Build(assignment, await queries.FinishedTasksAsync(assignmentId, ct), filter, await queries.AppliedRejudgesAsync(assignmentId, ct));
    }
}
