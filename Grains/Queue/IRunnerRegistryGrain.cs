namespace Grader.Queue;

/// <summary>The runners the queue wakes (key 0). Only the queue's door calls it.</summary>
[Alias("grader.IRunnerRegistryGrain")]
public interface IRunnerRegistryGrain : IGrainWithIntegerKey
{
    [Alias("Register")]
    Task RegisterAsync(string host);

    /// <summary>Every known runner with its liveness by membership; runners unreachable for longer than
    /// the retention are forgotten here.</summary>
    [Alias("List")]
    Task<IReadOnlyList<RunnerRegistration>> ListAsync();
}
