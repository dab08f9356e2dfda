namespace Grader.Tasks;

/// <summary>What was submitted: who, for which assignment, which image, and which scenarios run.</summary>
/// <param name="Image">Already validated and normalised (see ImageReference).</param>
/// <param name="IncludePrivate">True for staff runs and evaluations; students only run public scenarios.</param>
/// <param name="ClosedOverrideBy">The staff member who let this in while the assignment was closed.</param>
[GenerateSerializer, Immutable, Alias("grader.TaskSpec")]
public sealed record TaskSpec(
    [property: Id(0)] string UserId,
    [property: Id(1)] string AssignmentId,
    [property: Id(2)] string Image,
    [property: Id(3)] bool IncludePrivate,
    [property: Id(4)] string Source = "api",
    [property: Id(5)] string? ClosedOverrideBy = null);
