using System.ComponentModel.DataAnnotations;

namespace Grader.Silo.Hosting;

/// <summary>Where this process sits in the cluster. Section: <c>Cluster</c>.</summary>
public sealed class ClusterSettings : IValidatableObject
{
    public const string Section = "Cluster";

    /// <summary>Silos and clients with the same id form one cluster.</summary>
    [Required]
    public string ClusterId { get; set; } = "grader";

    /// <summary>Grain state and reminders are keyed by this; keep it across deployments.</summary>
    [Required]
    public string ServiceId { get; set; } = "grader";

    /// <summary>The stable id of this Docker host; its runner grain is keyed by it.</summary>
    [Required]
    public string SiloName { get; set; } = Environment.MachineName;

    /// <summary>The address other silos and clients use to reach this one. Loopback on a single machine:
    /// student containers must never reach the silo's ports.</summary>
    [Required]
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (SiloPort == GatewayPort)
        {
            yield return new ValidationResult($"must differ from GatewayPort (both are {SiloPort})", [nameof(SiloPort)]);
        }

        if (!System.Net.IPAddress.TryParse(AdvertisedAddress, out _))
        {
            yield return new ValidationResult($"must be an IP address, not '{AdvertisedAddress}'", [nameof(AdvertisedAddress)]);
        }
    }
}

/// <summary>Orleans membership store. Section: <c>Redis</c>.</summary>
public sealed class RedisSettings
{
    public const string Section = "Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. 127.0.0.1:6379. Run Redis with AOF:
    /// if it loses its data, silos lose their membership.</summary>
    [Required]
    public string Configuration { get; set; } = "";
}
