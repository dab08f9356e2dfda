using System.Net;
using Grader.Configuration;
using Grader.Database;
using Grader.Queue;
using Grader.Runners;
using Grader.Silo.Storage;
using Grader.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using StackExchange.Redis;

namespace Grader.Silo.Hosting;

public static class GraderSiloExtensions
{
    private const string SiloMarker = "Grader.Silo";
    private const string ClientMarker = "Grader.Client";

    /// <summary>Makes this process a grader silo: Redis membership, grain state and reminders in PostgreSQL
    /// (our schema, applied at start), and this host's Docker runner. All settings are read and checked
    /// here, so a bad one stops the process before anything starts.</summary>
    public static IHostApplicationBuilder AddGraderSilo(this IHostApplicationBuilder builder)
    {
        if (!builder.Properties.TryAdd(SiloMarker, true))
        {
            return builder;
        }

        var configuration = builder.Configuration;
        var cluster = configuration.Read<ClusterSettings>(ClusterSettings.Section);
        var redis = configuration.Read<RedisSettings>(RedisSettings.Section);
        var database = configuration.Read<DatabaseOptions>(DatabaseOptions.Section);
        var tasks = configuration.Read<TaskOptions>(TaskOptions.Section);
        var services = builder.Services;
        services.AddSingleton(Options.Create(cluster));
        services.AddSingleton(Options.Create(redis));
        services.AddSingleton(Options.Create(database));
        services.AddSingleton(Options.Create(tasks));
        services.AddSingleton(Options.Create(configuration.Read<SubmissionOptions>(SubmissionOptions.Section)));
        // Hosted services start in registration order: the schema must exist before Orleans reads its queries.
        services.AddSingleton<SchemaMigrator>();
        services.AddHostedService(sp => sp.GetRequiredService<SchemaMigrator>());
        services.AddDockerRunner(configuration);
        services.AddTaskQueue(configuration);
        // A SIGTERM lets running jobs finish or hands them back, and their cleanup completes before exit.
        services.Configure<HostOptions>(o => o.ShutdownTimeout = GradingClusterMembership.ShutdownTimeout(configuration.Read<RunnerHostOptions>(RunnerHostOptions.Section)));
        services.AddSingleton<TaskTransitions>();
        services.AddSingleton<TaskActivations>();
        services.AddSingleton<TaskReadModel>();
        services.AddSingleton<Grader.Evaluations.EvaluationReadModel>();
        services.AddSingleton<TaskReadModelRepair>();
        services.AddHostedService(sp => sp.GetRequiredService<TaskReadModelRepair>());
        services.AddSingleton<Grader.Assignments.AssignmentCatalog>();
        services.AddSingleton<Grader.Rejudges.RejudgeReadModel>();

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            silo.Configure<SiloOptions>(o => o.SiloName = cluster.SiloName);
            silo.ConfigureEndpoints(IPAddress.Parse(cluster.AdvertisedAddress), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: false);
            silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis.Configuration));
            silo.AddAdoNetGrainStorage(GrainStorage.Provider, o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = database.ConnectionString();
                o.GrainStorageSerializer = new JsonGrainStorageSerializer();
            });
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = database.ConnectionString();
            });
            silo.Configure<ReminderOptions>(o =>
            {
                if (tasks.WatchdogPeriod < o.MinimumReminderPeriod)
                {
                    o.MinimumReminderPeriod = tasks.WatchdogPeriod;
                }
            });
            // Failure detection tuned for a grading cluster (README, "Adding a Docker host"); settings override it.
            silo.Configure<ClusterMembershipOptions>(GradingClusterMembership.Apply);
            silo.Configure<ClusterMembershipOptions>(configuration.GetSection("Orleans:ClusterMembership"));
            silo.Services.AddPlacementDirector<HostPlacement, HostPlacementDirector>();
            // Grain and silo statistics for the web tier's /dashboard (staff only; it has no auth of its own).
            silo.AddDashboard();
        });
        return builder;
    }

    /// <summary>Joins an existing cluster as a client through Redis, for a web tier on a machine with no Docker.</summary>
    public static IHostApplicationBuilder AddGraderClient(this IHostApplicationBuilder builder)
    {
        if (!builder.Properties.TryAdd(ClientMarker, true))
        {
            return builder;
        }

        var cluster = builder.Configuration.Read<ClusterSettings>(ClusterSettings.Section);
        var redis = builder.Configuration.Read<RedisSettings>(RedisSettings.Section);
        builder.Services.AddSingleton(Options.Create(cluster));
        builder.Services.AddSingleton(Options.Create(redis));
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis.Configuration));
            client.FailCallsOnGatewayLoss();
            client.AddDashboard();
        });
        return builder;
    }
}
