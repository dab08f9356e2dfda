using Grader.Database;
using Grader.Sandbox;
using Grader.Scenarios;
using Grader.Scenarios.Execution;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Grader.Runners;

/// <summary>What a grading job needs from its host, bundled so the runner grain stays small.</summary>
public sealed class GradingServices(
    ISandboxHost engine,
    ImagePuller images,
    IImageCollector imageCollector,
    DatabaseSandbox database,
    CheckerRole checker,
    DatabaseGovernor governor,
    IHttpClientFactory httpClients,
    IOptions<RunnerHostOptions> options,
    IOptions<DatabaseOptions> databaseOptions,
    CompiledSuiteCache suites,
    ILoggerFactory loggers,
    AttemptFaults faults)
{
    public const string StudentHttpClient = "student-app";

    /// <summary>The container engine (Docker unless another host is registered).</summary>
    public ISandboxHost Engine => engine;

    public ImagePuller Images => images;

    /// <summary>Keeps pulled images within their disk budget; the reconciler calls it.</summary>
    public IImageCollector ImageCollector => imageCollector;

    public DatabaseSandbox Database => database;

    public DatabaseGovernor Governor => governor;

    public RunnerHostOptions Options => options.Value;

    public ILoggerFactory Loggers => loggers;

    /// <summary>Reports to a task grain keep trying for <see cref="RunnerHostOptions.ReportTimeout"/>, each try
    /// bounded, so that a report survives the seconds in which the cluster has not yet noticed that the
    /// task grain's silo died and moved it. Reports are idempotent by attempt, so a repeat is harmless.</summary>
    public ResiliencePipeline ReportRetry { get; } = new ResiliencePipelineBuilder()
        .AddTimeout(options.Value.ReportTimeout)
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(200),
            MaxDelay = TimeSpan.FromSeconds(3),
            UseJitter = true,
        })
        .AddTimeout(TimeSpan.FromSeconds(10))
        .Build();

    public AttemptFaults Faults => faults;

    public ReadinessProbe CreateProbe() => new(httpClients.CreateClient(StudentHttpClient));

    /// <param name="database">The attempt's database (its sandbox copy or the reference), for SQL checks.</param>
    /// <param name="port">The app's port, for the curl commands students can run against their own copy.</param>
    /// <param name="names">The attempt, whose host's checker login runs the SQL checks.</param>
    /// <param name="schemas">The assignment's schemas, the checks' search_path after pg_catalog.</param>
    public ScenarioExecutor CreateExecutor(string? database, int port, SandboxNames names, IReadOnlyList<string> schemas) => new(
        httpClients.CreateClient(StudentHttpClient),
        options.Value.ResponseLimitBytes,
        database is null ? null : new SandboxSqlChecks(ct => checker.ConnectionStringAsync(names.HostTag, database, ct),
            schemas.Count > 0 ? schemas : ["public"], databaseOptions.Value.SqlCheckTimeout),
        new Uri($"http://localhost:{port}/"),
        suites,
        options.Value.JudgingTimeout);
}
