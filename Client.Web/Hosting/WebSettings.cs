using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Grader.Web.Hosting;

public enum WebMode
{
    /// <summary>This process is also the machine's silo: one process serves a single machine.</summary>
    Embedded,
    /// <summary>This process joins an existing cluster through Redis as an Orleans client.</summary>
    Cluster,
}

/// <summary>Section: <c>Web</c>.</summary>
public sealed class WebSettings : IValidatableObject
{
    public const string Section = "Web";

    public WebMode Mode { get; set; } = WebMode.Embedded;

    /// <summary>Addresses of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed.
    /// Empty (the default): the headers are ignored, so no client can pick the address that sign-in
    /// lockout counts it under.</summary>
    public string[] KnownProxies { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies)
        {
            if (!IPAddress.TryParse(proxy, out _))
            {
                yield return new ValidationResult($"must hold IP addresses, not '{proxy}'", [nameof(KnownProxies)]);
            }
        }
    }
}
