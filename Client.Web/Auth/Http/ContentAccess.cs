using System.Security.Claims;
using Grader.Assignments;
using Grader.Tasks;

namespace Grader.Web.Auth.Http;

/// <summary>Who may see which task and assignment, and how much of it. Staff see everything; a student
/// sees only their own tasks, redacted, and only the public scenarios of an assignment.</summary>
public static class ContentAccess
{
    /// <summary>Whether the task exists for this caller at all: others' tasks are "not found" to a
    /// student, so task ids reveal nothing.</summary>
    public static bool CanSee(this ClaimsPrincipal user, TaskView task) =>
        user.IsStaff() || string.Equals(task.Spec.UserId, user.Username(), StringComparison.Ordinal);

    public static TaskView VisiblePart(this ClaimsPrincipal user, TaskView task) => user.IsStaff() ? task : task.ForStudent();

    /// <summary>As above, but a closed assignment whose staff released hidden results shows students its private scenarios too.</summary>
    public static TaskView VisiblePart(this ClaimsPrincipal user, TaskView task, AssignmentDefinition? assignment, DateTimeOffset now) =>
        user.IsStaff() ? task : task.ForStudent(assignment, now);

    /// <summary>The task as this caller may see it, asking its assignment whether hidden results are released.</summary>
    public static async Task<TaskView> VisiblePartAsync(this ClaimsPrincipal user, TaskView task, IGrainFactory grains) =>
        user.IsStaff() ? task : user.VisiblePart(task, await grains.GetGrain<IAssignmentGrain>(task.Spec.AssignmentId).GetAsync(), DateTimeOffset.UtcNow);

    public static AssignmentDefinition VisiblePart(this ClaimsPrincipal user, AssignmentDefinition assignment) =>
        user.IsStaff() ? assignment : assignment with { Scenarios = assignment.Scenarios.Where(s => s.IsPublic).ToList() };
}
