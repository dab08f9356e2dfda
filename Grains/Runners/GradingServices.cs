using Grader.Database;
using Grader.Sandbox;
using Grader.Scenarios;
using Grader.Scenarios.Execution;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grader.Runners;

/// <summary>What a grading job needs from its host, bundled so the runner grain stays small.</summary>
public sealed class GradingServices(
    DockerEngine docker,
    ImagePuller images,
    ImageCollector imageCollector,
    DatabaseSandbox database,
    CheckerRole checker,
    DatabaseGovernor governor,
    IHttpClientFactory httpClients,
    IOptions<RunnerOptions> options,
    IOptions<DatabaseOptions> databaseOptions,
    CompiledSuiteCache suites,
    ILoggerFactory loggers)
{
    public const string StudentHttpClient = "student-app";

    public DockerEngine Docker => docker;

    public ImagePuller Images => images;

    /// <summary>Keeps pulled images within their disk budget; the reconciler calls it.</summary>
    public ImageCollector ImageCollector => imageCollector;

    public DatabaseSandbox Database => database;

    public DatabaseGovernor Governor => governor;

    public RunnerOptions Options => options.Value;

    public ILoggerFactory Loggers => loggers;

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
