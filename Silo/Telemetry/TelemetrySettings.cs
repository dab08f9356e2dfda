namespace Grader.Silo.Telemetry;

/// <summary>Section: <c>Telemetry</c>.</summary>
public sealed class TelemetrySettings : System.ComponentModel.DataAnnotations.IValidatableObject
{
    public const string Section = "Telemetry";

    /// <summary>Where this process serves its Prometheus scrape endpoint, e.g.
    /// <c>http://127.0.0.1:9464/metrics</c>. Empty: no endpoint. It has no sign-in, so keep it on loopback (or an
    /// operators' network): student containers cannot reach the host's loopback.</summary>
    public string PrometheusEndpoint { get; set; } = "";

    public IEnumerable<System.ComponentModel.DataAnnotations.ValidationResult> Validate(System.ComponentModel.DataAnnotations.ValidationContext validationContext)
    {
        if (PrometheusEndpoint.Length > 0
            && (!Uri.TryCreate(PrometheusEndpoint, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.AbsolutePath == "/"))
        {
            yield return new(
                $"must be an http:// address with a path, such as http://127.0.0.1:9464/metrics, not '{PrometheusEndpoint}'",
                [nameof(PrometheusEndpoint)]);
        }
    }
}
