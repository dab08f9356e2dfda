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
    DatabaseSandbox database,
    IHttpClientFactory httpClients,
    IOptions<RunnerOptions> options,
    IOptions<DatabaseOptions> databaseOptions,
    ILoggerFactory loggers,
    AttemptFaults faults)
{
    public const string StudentHttpClient = "student-app";

    public DockerEngine Docker => docker;

    public DatabaseSandbox Database => database;

    public RunnerOptions Options => options.Value;

    public ILoggerFactory Loggers => loggers;

    public AttemptFaults Faults => faults;

    public ReadinessProbe CreateProbe() => new(httpClients.CreateClient(StudentHttpClient));

    /// <param name="database">The attempt's database (its sandbox copy or the reference), for SQL checks.</param>
    /// <param name="port">The app's port, for the curl commands students can run against their own copy.</param>
    public ScenarioExecutor CreateExecutor(string? database, int port) => new(
        httpClients.CreateClient(StudentHttpClient),
        options.Value.ResponseLimitBytes,
        database is null ? null : new SandboxSqlChecks(databaseOptions.Value, database),
        new Uri($"http://localhost:{port}/"));
}
