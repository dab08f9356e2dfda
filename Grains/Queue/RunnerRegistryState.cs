namespace Grader.Queue;

[GenerateSerializer, Alias("grader.RegisteredRunner")]
public sealed class RegisteredRunner
{
    [Id(0)] public DateTimeOffset RegisteredAt { get; set; }

    /// <summary>When the registry first saw its silo gone from the active members; null while it is up.</summary>
    [Id(1)] public DateTimeOffset? UnreachableSince { get; set; }
}

[GenerateSerializer, Alias("grader.RunnerRegistryState")]
public sealed class RunnerRegistryState
{
    [Id(0)] public Dictionary<string, RegisteredRunner> Hosts { get; set; } = [];
}
