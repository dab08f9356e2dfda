namespace Grader.Sandbox;

/// <summary>Keeps the engine's pulled student images within <c>Images:DiskBudgetGb</c>: the puller records
/// each use, the runner's reconcile pass asks for a collection. Which images count and how their size is
/// measured is the engine's business, so each engine folder brings its own.</summary>
public interface IImageCollector
{
    /// <summary>Records a use; the least recently used images go first.</summary>
    void Touch(string imageId);

    /// <summary>Removes the least recently used student images until the engine's layers fit the budget.
    /// Returns what it removed.</summary>
    Task<IReadOnlyList<string>> CollectAsync(CancellationToken ct);
}
