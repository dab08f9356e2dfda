using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Grader.Bench.Pipeline;

namespace Grader.Bench.Burst;

/// <summary>A grader as production runs one on a machine: a silo process and a web process in Cluster
/// mode, from this checkout's Release build, on the local stack with their own cluster id and state
/// database. Separate processes, so each one's memory can be read on its own.</summary>
internal sealed class GraderProcesses : IAsyncDisposable
{
    private readonly List<Process> _processes = [];
    private readonly Dictionary<string, string> _settings;
    private readonly string _adminPassword = $"pw-admin-{Guid.NewGuid():N}";

    private GraderProcesses(Dictionary<string, string> settings, string baseUrl) => (_settings, BaseUrl) = (settings, baseUrl);

    public string BaseUrl { get; }

    public Process Silo => _processes[0];

    public Process Web => _processes[1];

    public const string Admin = "bench-admin";

    /// <summary>Starts the silo, then the web tier, and waits until the web tier is ready.</summary>
    public static async Task<GraderProcesses> StartAsync(Dictionary<string, string> env, string cluster, string database, int slots, int port)
    {
        var settings = new Dictionary<string, string>
        {
            ["Cluster__ClusterId"] = cluster,
            ["Cluster__ServiceId"] = cluster,
            ["Database__Name"] = database,
            ["Docker__Slots"] = slots.ToString(CultureInfo.InvariantCulture),
            ["Docker__Registries__0__Server"] = env["GRADER_REGISTRY"],
            ["Docker__Registries__0__Username"] = env["GRADER_REGISTRY_USER"],
            ["Docker__Registries__0__Password"] = env["GRADER_REGISTRY_PASSWORD"],
            ["Images__AllowedRegistries__0"] = env["GRADER_REGISTRY"],
            // A deadline night's students submit again and again; the per-student limits are not what is measured.
            ["Submissions__MaxPending"] = "100",
            ["Submissions__RateLimit"] = "1000",
            ["Submissions__RateWindow"] = "00:00:01",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var key in new[] { "Redis__Configuration", "Database__Host", "Database__Port", "Database__Username", "Database__Password", "Database__StudentHost", "Docker__Endpoint", "Docker__StudentNetwork" })
        {
            settings[key] = env[key];
        }

        var grader = new GraderProcesses(settings, $"http://127.0.0.1:{port + 2}");
        try
        {
            grader._processes.Add(Start("Silo", "Grader.Silo.dll", [], new(settings)
            {
                ["Cluster__SiloName"] = $"{cluster}-silo",
                ["Cluster__SiloPort"] = port.ToString(CultureInfo.InvariantCulture),
                ["Cluster__GatewayPort"] = (port + 1).ToString(CultureInfo.InvariantCulture),
            }));
            var web = new Dictionary<string, string>(settings) { ["Web__Mode"] = "Cluster", ["Urls"] = grader.BaseUrl, ["ASPNETCORE_ENVIRONMENT"] = "Production" };
            grader._processes.Add(Start("Client.Web", "Grader.Web.dll", [], web));
            await grader.WaitReadyAsync();
            using var create = Start("Client.Web", "Grader.Web.dll", ["create-admin", Admin, "--if-missing"], new(web) { ["GRADER_ADMIN_PASSWORD"] = grader._adminPassword });
            await create.WaitForExitAsync();
            if (create.ExitCode != 0)
            {
                throw new InvalidOperationException($"create-admin exited with {create.ExitCode}");
            }
        }
        catch
        {
            await grader.DisposeAsync();
            throw;
        }

        return grader;
    }

    /// <summary>An HTTP client signed in as <paramref name="username"/>, sending its antiforgery token.</summary>
    public async Task<HttpClient> SignInAsync(string username, string? password = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseCookies = true, CookieContainer = new System.Net.CookieContainer(), PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri(BaseUrl),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var response = await client.PostAsJsonAsync("/api/auth/sign-in", new { username, password = password ?? (username == Admin ? _adminPassword : StudentPassword(username)) });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("antiforgeryToken").GetString();
        client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", token);
        return client;
    }

    public static string StudentPassword(string username) => $"pw-{username}-bench";

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    private async Task WaitReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            if (_processes.FirstOrDefault(p => p.HasExited) is { } dead)
            {
                throw new InvalidOperationException($"A grader process exited with {dead.ExitCode} before it was ready.");
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
                // Still starting.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The benchmark's grader did not become ready in 3 minutes.");
            }

            await Task.Delay(250);
        }
    }

    private static Process Start(string project, string dll, string[] args, Dictionary<string, string> settings)
    {
        var directory = Path.Combine(StackEnvironment.RepoRoot, project, "bin", "Release", "net10.0");
        if (!File.Exists(Path.Combine(directory, dll)))
        {
            throw new InvalidOperationException($"{Path.Combine(directory, dll)} is missing: build with dotnet build bench/Grader.Bench -c Release");
        }

        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var key in start.Environment.Keys.Where(k => k.Contains("__", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        var name = args.Length > 0 ? args[0] : project;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"[{name}] {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
