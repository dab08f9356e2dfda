namespace Grader.Evaluations;

/// <summary>One student's line of an evaluation: who, which image, and the form's other columns.</summary>
[GenerateSerializer, Immutable, Alias("grader.EvaluationRow")]
public sealed record EvaluationRow(
    [property: Id(0)] int Line,
    [property: Id(1)] string UserId,
    [property: Id(2)] string Image,
    [property: Id(3)] IReadOnlyDictionary<string, string> Extra);

[GenerateSerializer, Immutable, Alias("grader.EvaluationEntry")]
public sealed record EvaluationEntry(
    [property: Id(0)] EvaluationRow Row,
    [property: Id(1)] Guid TaskId);

[GenerateSerializer, Immutable, Alias("grader.EvaluationView")]
public sealed record EvaluationView(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string AssignmentId,
    [property: Id(2)] string CreatedBy,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] IReadOnlyList<EvaluationEntry> Entries,
    [property: Id(5)] IReadOnlyList<string> Rejected);

/// <summary>A bulk run for a whole class: every row becomes a staff task (private scenarios included).</summary>
[Alias("grader.IEvaluationGrain")]
public interface IEvaluationGrain : IGrainWithGuidKey
{
    /// <summary>Creates one task per row and keeps the class list's rejected lines (with their numbers) to
    /// show beside it. Calling it again returns the existing evaluation.</summary>
    [Alias("Start")]
    Task<EvaluationView> StartAsync(string assignmentId, string createdBy, IReadOnlyList<EvaluationRow> rows, IReadOnlyList<string> rejected);

    /// <summary>Cancels every task of the evaluation that has not finished; finished ones keep their result.</summary>
    [Alias("Cancel")]
    Task<int> CancelAsync(string requestedBy);

    [Alias("Get")]
    Task<EvaluationView?> GetAsync();
}
