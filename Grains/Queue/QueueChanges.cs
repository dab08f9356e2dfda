namespace Grader.Queue;

/// <summary>A stored entry: the entry and its arrival sequence, which fixes its place for good.</summary>
public sealed record StoredEntry(QueueEntry Entry, long Seq);

/// <summary>Row changes not yet written, collapsed per key: the last change to a task's row (its entry,
/// or null for a delete) and each user's newest confirmed turn. A batch writes each row once, however
/// many operations touched it.</summary>
public sealed class QueueChanges
{
    public Dictionary<Guid, StoredEntry?> Entries { get; } = [];

    public Dictionary<string, long> Served { get; } = new(StringComparer.Ordinal);

    public bool IsEmpty => Entries.Count == 0 && Served.Count == 0;

    /// <summary>Puts back the changes of a batch that failed to write, under any newer change to the
    /// same row, so the next batch writes them again.</summary>
    public void Restore(QueueChanges failed)
    {
        foreach (var (taskId, entry) in failed.Entries)
        {
            Entries.TryAdd(taskId, entry);
        }

        foreach (var (user, turn) in failed.Served)
        {
            Served[user] = Math.Max(turn, Served.GetValueOrDefault(user));
        }
    }
}
