using System.Text.Json.Serialization;
using Grader.Configuration;
using Grader.Database;
using Grader.Web.Health;
using Grader.Web.Queries;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Grader.Web.Hosting;

public static class WebHostingExtensions
{
    /// <summary>The web tier: co-hosts this machine's silo (Embedded, the default) or joins a cluster as a
    /// client (Cluster); plus health checks and JSON settings shared by every API.</summary>
    public static WebApplicationBuilder AddGraderWeb(this WebApplicationBuilder builder)
    {
        var web = builder.Configuration.Read<WebSettings>(WebSettings.Section);
        builder.Services.AddSingleton(Options.Create(web));
        builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddAspNetCoreInstrumentation());
        builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddAspNetCoreInstrumentation());
        builder.Services.AddGraderForwardedHeaders(web);
        builder.Services.AddSingleton<StaticAssetUrls>();
        builder.AddGraderHosting(web.Mode);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ClusterUnavailableHandler>();
        builder.Services.AddSingleton(Options.Create(builder.Configuration.Read<Grader.Web.Tasks.TaskStreamOptions>(Grader.Web.Tasks.TaskStreamOptions.Section)));
        Grader.Web.Tasks.TaskEventsApi.AddTaskStreams(builder.Services);
        builder.Services.AddRazorPages();
        builder.Services.AddGraderOpenApi();
        builder.Services.TryAddSingleton<GraderDataSource>();
        builder.Services.AddSingleton<Grader.Web.Browse.ReadModelQueries>();
        builder.Services.AddGraderQueries(builder.Configuration);
        Grader.Web.Gradebook.GradebookApi.AddGradebook(builder.Services);
        builder.Services.AddSingleton<Grader.Web.Students.StudentScores>();
        Grader.Web.Charts.ChartsApi.AddCharts(builder.Services);
        builder.Services.AddSingleton<Grader.Web.Evaluations.EvaluationListQueries>();
        builder.Services.AddGraderHealthChecks(web.Mode);
        return builder;
    }
}
