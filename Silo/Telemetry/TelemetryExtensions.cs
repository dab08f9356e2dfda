using Grader.Configuration;
using Grader.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Grader.Silo.Telemetry;

/// <summary>The telemetry every grader process shares (the web tier and each silo): our meter and
/// spans, Orleans' meters, .NET runtime and outgoing HTTP; a Prometheus scrape endpoint where
/// <c>Telemetry:PrometheusEndpoint</c> is set, and OTLP export of metrics and traces where the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.</summary>
public static class TelemetryExtensions
{
    private const string Marker = "Grader.Telemetry";
    private const string OrleansMeter = "Microsoft.Orleans";

    public static IHostApplicationBuilder AddGraderTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        if (!builder.Properties.TryAdd(Marker, true))
        {
            return builder;
        }

        var settings = builder.Configuration.Read<TelemetrySettings>(TelemetrySettings.Section);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(GraderTelemetry.Name, OrleansMeter).AddRuntimeInstrumentation().AddHttpClientInstrumentation();
                if (settings.PrometheusEndpoint.Length > 0)
                {
                    var endpoint = new Uri(settings.PrometheusEndpoint);
                    metrics.AddPrometheusHttpListener(o => (o.Host, o.Port, o.ScrapeEndpointPath) = (endpoint.Host, endpoint.Port, endpoint.AbsolutePath));
                }
            })
            .WithTracing(tracing => tracing.AddSource(GraderTelemetry.Name).AddHttpClientInstrumentation());
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }

        return builder;
    }
}
