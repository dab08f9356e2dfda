namespace Grader.Queue;

/// <summary>Test-only seam: registered in a test silo's services, it makes a runner's claim fail right
/// after the dequeue, as if the task grain's silo had just died. Production never registers it.</summary>
public sealed class ClaimFaults(Func<Guid, bool> shouldFail)
{
    private readonly List<Guid> _failed = [];

    /// <summary>Tasks whose claim was failed, in order.</summary>
    public IReadOnlyList<Guid> Failed
    {
        get
        {
            lock (_failed)
            {
                return _failed.ToList();
            }
        }
    }

    /// <summary>Raised after a claim was failed and its lease handed back.</summary>
    public event Action<Guid>? Returned;

    public void ThrowIfFailing(Guid taskId)
    {
        if (!shouldFail(taskId))
        {
            return;
        }

        lock (_failed)
        {
            _failed.Add(taskId);
        }

        throw new ClaimFaultException(taskId);
    }

    public void OnReturned(Guid taskId) => Returned?.Invoke(taskId);
}

public sealed class ClaimFaultException(Guid taskId) : Exception($"Injected claim failure for task {taskId}.");
