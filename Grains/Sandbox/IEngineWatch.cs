namespace Grader.Sandbox;

/// <summary>Watches the container engine for the length of one attempt, so that an attempt whose engine
/// stopped or restarted under it is known to be the grader's fault, not the student's.</summary>
public interface IEngineWatch : IDisposable
{
    /// <summary>The engine stopped, or could not be watched, while the attempt ran.</summary>
    Task<bool> InterruptedAsync();
}
