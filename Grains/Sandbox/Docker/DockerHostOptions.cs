using System.ComponentModel.DataAnnotations;

namespace Grader.Sandbox.Docker;

/// <summary>What the Docker engine host needs: where the engine is, the network student containers join
/// and the registry logins. Section: <c>Docker</c>; the runner's slots, limits and timeouts, set in the
/// same section, are <c>Grader.Runners.RunnerHostOptions</c>.</summary>
public sealed class DockerHostOptions
{
    public const string Section = "Docker";

    /// <summary>The engine's API endpoint, e.g. unix:///var/run/docker.sock.</summary>
    [Required]
    public string Endpoint { get; set; } = "unix:///var/run/docker.sock";

    /// <summary>The internal Docker network student containers join.</summary>
    [Required]
    public string StudentNetwork { get; set; } = "grader-students";

    public List<RegistryCredential> Registries { get; set; } = [];
}
