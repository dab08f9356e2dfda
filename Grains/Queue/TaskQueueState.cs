using Grader.Queue;

namespace Grader.Queue;

[GenerateSerializer, Alias("grader.TaskQueueState")]
public sealed class TaskQueueState
{
    [Id(0)] public List<QueueEntry> Entries { get; set; } = [];
    [Id(1)] public Dictionary<string, long> LastServed { get; set; } = [];
    [Id(2)] public long Turn { get; set; }
    [Id(3)] public HashSet<string> Runners { get; set; } = [];
}
