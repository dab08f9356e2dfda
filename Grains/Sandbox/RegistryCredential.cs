using System.ComponentModel.DataAnnotations;

namespace Grader.Sandbox;

/// <summary>Credentials for one registry, the equivalent of <c>docker login</c>.</summary>
public sealed class RegistryCredential
{
    /// <summary>Registry host as it appears in image references, e.g. ghcr.io or 127.0.0.1:55000.</summary>
    [Required]
    public string Server { get; set; } = "";

    [Required]
    public string Username { get; set; } = "";

    [Required]
    public string Password { get; set; } = "";
}
