using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Hosting;

namespace Grader.IntegrationTests.Deployment;

/// <summary>The published web tier (artifacts/publish/web, made by infra/publish.sh) started as
/// infra/run.sh starts it: <c>dotnet Grader.Web.dll</c> in its own folder, in Production, configured by
/// environment variables, with its embedded silo. Tests reach it only from outside: HTTP, a browser,
/// and an Orleans client that joins its cluster through Redis.</summary>
public sealed class PublishedGrader : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();
    private readonly string _adminPassword = $"pw-admin-{LocalStack.RunId}";
    private IHost? _client;
    private HttpClient? _admin;

    private PublishedGrader(Process process, string baseUrl, string metricsUrl, string hostName, string clusterId, string stateDatabase)
    {
        _process = process;
        (BaseUrl, MetricsUrl, HostName, ClusterId, StateDatabase) = (baseUrl, metricsUrl, hostName, clusterId, stateDatabase);
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static string AppDirectory { get; } = Path.Combine(LocalStack.RepoRoot, "artifacts", "publish", "web");

    public string BaseUrl { get; }

    /// <summary>The process's Prometheus scrape endpoint (Telemetry:PrometheusEndpoint, on loopback).</summary>
    public string MetricsUrl { get; }

    public string HostName { get; }

    public string ClusterId { get; }

    public string StateDatabase { get; }

    public string AdminUsername { get; } = $"admin-{LocalStack.RunId}";

    /// <summary>An Orleans client in this grader's cluster (for setting up assignments and awaiting tasks).</summary>
    public IGrainFactory Grains => _client!.Grains();

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the published grader with the local stack's services, its own cluster id, state
    /// database and ports; <paramref name="extra"/> overrides any setting (as configuration keys).</summary>
    public static async Task<PublishedGrader> StartAsync(string name, IDictionary<string, string?>? extra = null)
    {
        EnsurePublished();
        var hostName = $"{name}-{LocalStack.RunId}";
        var database = $"grader_it_{name.Replace('-', '_')}_{LocalStack.RunId}";
        var clusterId = $"it-{name}-{LocalStack.RunId}";
        await LocalStack.CreateDatabaseAsync(database);
        var baseUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var metricsUrl = $"http://127.0.0.1:{FreePort.Next()}/metrics";
        var settings = SiloSettings.For(hostName, database, clusterId, new Dictionary<string, string?>
        {
            ["Urls"] = baseUrl,
            ["Telemetry:PrometheusEndpoint"] = metricsUrl,
            ["Docker:Slots"] = "4",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        });
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var grader = new PublishedGrader(Process.Start(StartInfo(settings, []))!, baseUrl, metricsUrl, hostName, clusterId, database);
        try
        {
            await grader.WaitUntilReadyAsync();
            await grader.CreateAdminAsync(settings);
        }
        catch
        {
            await grader.DisposeAsync();
            throw;
        }

        return grader;
    }

    /// <summary>Joins the grader's cluster as an Orleans client, for <see cref="Grains"/>.</summary>
    public async Task ConnectClientAsync() => _client ??= await ClusterClient.ConnectAsync(ClusterId);

    /// <summary>A local account made through the admin API, as staff would make one (made if missing).</summary>
    public async Task<(string Username, string Password)> AccountAsync(string username, UserRole role)
    {
        var password = $"pw-{username}-{LocalStack.RunId}";
        var admin = await AdminAsync();
        var response = await admin.PostAsJsonAsync("/api/admin/users", new { username, password, role = role.ToString().ToLowerInvariant() });
        if (response.StatusCode != HttpStatusCode.Conflict)
        {
            response.EnsureSuccessStatusCode();
        }

        return (username, password);
    }

    /// <summary>An HTTP client signed in as the grader's admin, sending the antiforgery token.</summary>
    public async Task<HttpClient> AdminAsync()
    {
        if (_admin is not null)
        {
            return _admin;
        }

        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true }) { BaseAddress = new Uri(BaseUrl) };
        var signIn = await client.PostAsJsonAsync("/api/auth/sign-in", new { username = AdminUsername, password = _adminPassword });
        signIn.EnsureSuccessStatusCode();
        var token = (await signIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("antiforgeryToken").GetString();
        client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", token);
        return _admin = client;
    }

    public async ValueTask DisposeAsync()
    {
        _admin?.Dispose();
        if (_client is not null)
        {
            await _client.StopAsync();
            _client.Dispose();
        }

        if (!_process.HasExited)
        {
            // SIGTERM, as systemd or infra/stop.sh would: the silo leaves the cluster and cleans up.
            Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        await LocalStack.DropDatabaseAsync(StateDatabase);
    }

    /// <summary>Publishes once if nobody has (infra/test.sh publishes before the tests run).</summary>
    private static void EnsurePublished()
    {
        if (!File.Exists(Path.Combine(AppDirectory, "Grader.Web.dll")))
        {
            LocalStack.RunScript("infra/publish.sh");
        }
    }

    private static ProcessStartInfo StartInfo(IDictionary<string, string?> settings, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = AppDirectory,
        };
        start.ArgumentList.Add("Grader.Web.dll");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Only what run.sh gives it: no test-host or developer settings leak in.
        foreach (var key in start.Environment.Keys.Where(k => k.Contains("__", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("DOTNET_ENVIRONMENT", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in SiloSettings.AsEnvironment(settings))
        {
            start.Environment[key] = value;
        }

        return start;
    }

    private async Task CreateAdminAsync(IDictionary<string, string?> settings)
    {
        var start = StartInfo(settings, ["create-admin", AdminUsername, "--if-missing"]);
        start.Environment["GRADER_ADMIN_PASSWORD"] = _adminPassword;
        using var command = Process.Start(start)!;
        var output = await command.StandardError.ReadToEndAsync() + await command.StandardOutput.ReadToEndAsync();
        await command.WaitForExitAsync();
        if (command.ExitCode != 0)
        {
            throw new InvalidOperationException($"create-admin exited with {command.ExitCode}: {output}");
        }
    }

    /// <summary>Polls /readyz as run.sh does; fails at once, with the output, if the process exits.</summary>
    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The published grader exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await http.GetAsync("/readyz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or still starting on a busy machine.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The published grader did not become ready:\n{Output}");
            }

            await Task.Delay(250);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
