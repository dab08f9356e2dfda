namespace Grader.Sandbox;

/// <summary>One local image as the disk budget sees it.</summary>
public sealed record BudgetedImage(string Id, long SizeBytes, DateTimeOffset LastUsed, bool InUse);

/// <summary>Which images go first when images exceed their disk budget: least recently used first (the
/// larger of two equally old), never one in use. The collector removes them in this order, measuring
/// the engine's real layer usage after each, because images share layers and their sizes overlap.</summary>
public static class ImageBudget
{
    public static IReadOnlyList<BudgetedImage> RemovalOrder(IEnumerable<BudgetedImage> images) =>
        images.Where(i => !i.InUse).OrderBy(i => i.LastUsed).ThenByDescending(i => i.SizeBytes).ToList();
}
