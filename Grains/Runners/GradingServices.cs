using Grader.Sandbox;
using Grader.Scenarios;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grader.Runners;

/// <summary>What a grading job needs from its host, bundled so the runner grain stays small.</summary>
public sealed class GradingServices(
    DockerEngine docker,
    DatabaseSandbox database,
    IHttpClientFactory httpClients,
    IOptions<RunnerOptions> options,
    ILoggerFactory loggers)
{
    public const string StudentHttpClient = "student-app";

    public DockerEngine Docker => docker;

    public DatabaseSandbox Database => database;

    public RunnerOptions Options => options.Value;

    public ILoggerFactory Loggers => loggers;

    public ReadinessProbe CreateProbe() => new(httpClients.CreateClient(StudentHttpClient));

    public ScenarioExecutor CreateExecutor() => new(httpClients.CreateClient(StudentHttpClient), options.Value.ResponseLimitBytes);
}
