namespace Grader.Tasks;

/// <summary>What was submitted: who, for which assignment, which image, and which scenarios run.</summary>
/// <param name="Image">Already validated and normalised (see ImageReference).</param>
/// <param name="IncludePrivate">True for staff runs and evaluations; students only run public scenarios.</param>
[GenerateSerializer, Immutable, Alias("grader.TaskSpec")]
public sealed record TaskSpec(
    [property: Id(0)] string UserId,
    [property: Id(1)] string AssignmentId,
    [property: Id(2)] string Image,
    [property: Id(3)] bool IncludePrivate,
    [property: Id(4)] string Source = "api");
