namespace Grader.Sandbox;

/// <summary>One local image as the disk budget sees it.</summary>
public sealed record BudgetedImage(string Id, long SizeBytes, DateTimeOffset LastUsed, bool InUse);

/// <summary>Which images go when pulled images exceed their disk budget: least recently used first,
/// never one in use, until the rest fit.</summary>
public static class ImageBudget
{
    public static IReadOnlyList<BudgetedImage> Victims(IEnumerable<BudgetedImage> images, long budgetBytes)
    {
        var all = images.ToList();
        var total = all.Sum(i => i.SizeBytes);
        var victims = new List<BudgetedImage>();
        foreach (var image in all.Where(i => !i.InUse).OrderBy(i => i.LastUsed).ThenByDescending(i => i.SizeBytes))
        {
            if (total <= budgetBytes)
            {
                break;
            }

            victims.Add(image);
            total -= image.SizeBytes;
        }

        return victims;
    }
}
