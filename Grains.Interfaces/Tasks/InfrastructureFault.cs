namespace Grader.Tasks;

/// <summary>Which part of the grader let an attempt down. It decides the plain words a student sees; the
/// technical detail is kept for staff only.</summary>
public enum InfrastructureFault
{
    /// <summary>Something on our side failed that has no better name.</summary>
    Internal,
    /// <summary>The grader's PostgreSQL (the sandbox database server) restarted or refused connections.</summary>
    GraderDatabase,
    /// <summary>The container engine refused connections or answered with a server error.</summary>
    Engine,
    /// <summary>The grading host stopped answering or left the cluster.</summary>
    HostLost,
    /// <summary>The grading host shut down during the attempt.</summary>
    HostStopping,
    /// <summary>The host's container engine stopped or restarted under the attempt, killing the app.</summary>
    EngineRestarted,
}
