using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Grader.IntegrationTests.Deployment;

/// <summary>infra/compose brought up on this machine's engine the way the README sets it up (the
/// student network step, .env and grader.env, `docker-compose up -d`), under its own project name and
/// ports, with the demo template and a signed-in admin. Disposing brings it down and closes its
/// PostgreSQL port on the student gateway again.</summary>
public sealed class ComposeStack : IAsyncDisposable
{
    private static readonly string ComposeFile = Path.Combine(LocalStack.RepoRoot, "infra/compose/docker-compose.yml");
    private readonly string _dir;
    private readonly Dictionary<string, string> _env;

    private ComposeStack(string dir, Dictionary<string, string> env)
    {
        _dir = dir;
        _env = env;
    }

    public string Project => _env["GRADER_CLUSTER_ID"];

    public string Gateway => _env["GRADER_STUDENT_GATEWAY"];

    public string Template { get; } = $"demo_items_{LocalStack.RunId}";

    public int Port(string setting) => int.Parse(_env[setting], CultureInfo.InvariantCulture);

    public string BaseUrl => $"http://127.0.0.1:{Port("GRADER_WEB_PORT")}";

    public HttpClient Http { get; private set; } = null!;

    public static async Task<ComposeStack> UpAsync()
    {
        var project = $"grader-it-compose-{LocalStack.RunId}";
        var dir = Directory.CreateTempSubdirectory("grader-it-compose-").FullName;
        await File.WriteAllLinesAsync(Path.Combine(dir, "grader.env"),
        [
            $"Docker__Registries__0__Server={LocalStack.Get("GRADER_REGISTRY")}",
            $"Docker__Registries__0__Username={LocalStack.Get("GRADER_REGISTRY_USER")}",
            $"Docker__Registries__0__Password={LocalStack.Get("GRADER_REGISTRY_PASSWORD")}",
            $"Images__AllowedRegistries__0={LocalStack.Get("GRADER_REGISTRY")}",
            "Logging__LogLevel__Default=Warning",
        ]);
        string Free() => FreePort.Next().ToString(CultureInfo.InvariantCulture);
        var env = new Dictionary<string, string>(ContainerImageTests.DockerEnvironment)
        {
            ["GRADER_DB_PASSWORD"] = $"compose-{LocalStack.RunId}",
            ["GRADER_ENV_FILE"] = Path.Combine(dir, "grader.env"),
            ["GRADER_DOCKER_SOCKET"] = new Uri(LocalStack.Get("Docker__Endpoint")).AbsolutePath,
            ["GRADER_PG_PORT"] = Free(),
            ["GRADER_REDIS_PORT"] = Free(),
            ["GRADER_WEB_PORT"] = Free(),
            ["GRADER_METRICS_PORT"] = Free(),
            ["GRADER_SILO_PORT"] = Free(),
            ["GRADER_GATEWAY_PORT"] = Free(),
            ["GRADER_CLUSTER_ID"] = project,
            ["GRADER_SILO_NAME"] = project,
            ["GRADER_STUDENT_NETWORK"] = LocalStack.Get("Docker__StudentNetwork"),
            ["GRADER_STUDENT_GATEWAY"] = LocalStack.Get("Database__StudentHost"),
        };
        var stack = new ComposeStack(dir, env);
        try
        {
            // The README's step: the student network, admitting this PostgreSQL's port on its gateway.
            await Shell.CheckAsync("bash", [Path.Combine(LocalStack.RepoRoot, "infra/stack.sh"), "student-network"], env);
            await stack.ComposeAsync("config", "-q");
            await stack.ComposeAsync("up", "-d");
            await stack.WaitUntilReadyAsync();
            await stack.PrepareAsync();
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    public Task<string> ComposeAsync(params string[] args) => Shell.CheckAsync("docker-compose", ["-f", ComposeFile, "-p", Project, .. args], _env);

    /// <summary>A copy of the demo assignment (infra/demo) on the stack's own template database.</summary>
    public static JsonNode DemoAssignment(string id, string template)
    {
        var assignment = JsonNode.Parse(File.ReadAllText(Path.Combine(LocalStack.RepoRoot, "infra/demo/assignment.json")))!;
        assignment["id"] = id;
        assignment["database"] = template;
        return assignment;
    }

    public async Task PutAssignmentAsync(JsonNode assignment)
    {
        using var body = new StringContent(assignment.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        var response = await Http.PutAsync($"/api/assignments/{assignment["id"]}", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Submits an image through the API and follows the task's server-sent events to its verdict.</summary>
    public async Task<JsonElement> GradeAsync(string assignmentId, string image)
    {
        var submitted = await Http.PostAsJsonAsync("/api/tasks", new { assignmentId, image, includePrivate = true });
        Assert.True(submitted.StatusCode == HttpStatusCode.Accepted, $"{(int)submitted.StatusCode}: {await submitted.Content.ReadAsStringAsync()}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var response = await Http.GetAsync($"{submitted.Headers.Location}/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var view = JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
                if (view.GetProperty("status").GetString() is "Completed" or "Failed" or "Cancelled")
                {
                    return view;
                }
            }
        }

        throw new InvalidOperationException("The event stream ended before the task finished.");
    }

    /// <summary>Nothing of the project is left: no container, volume or network carries its label, and
    /// the firewall no longer admits its PostgreSQL port.</summary>
    public async Task AssertNothingLeftAsync()
    {
        foreach (var kind in new[] { "container", "volume", "network" })
        {
            var left = await Shell.CheckAsync("docker", [kind, "ls", .. kind == "container" ? new[] { "-a" } : [], "-q", "--filter", $"label=com.docker.compose.project={Project}"], _env);
            Assert.True(left.Trim().Length == 0, $"{kind}s left: {left}");
        }

        var chain = LocalStack.Run("iptables", "-S", "GRADER-STUDENTS");
        Assert.DoesNotContain($"--dport {_env["GRADER_PG_PORT"]} ", chain, StringComparison.Ordinal);
        Assert.Contains($"--dport {LocalStack.Get("Database__Port")} ", chain, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        await Shell.RunAsync("docker-compose", ["-f", ComposeFile, "-p", Project, "down", "-v", "--remove-orphans", "-t", "60"], _env);
        await Shell.CheckAsync("bash", [Path.Combine(LocalStack.RepoRoot, "infra/stack.sh"), "student-network-close"], _env);
        Directory.Delete(_dir, recursive: true);
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            try
            {
                if ((await http.GetAsync($"{BaseUrl}/readyz")).IsSuccessStatusCode)
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
                throw new TimeoutException($"The compose web tier did not become ready:\n{await ComposeAsync("logs", "--tail", "40")}");
            }

            await Task.Delay(500);
        }
    }

    /// <summary>The demo template in the stack's own PostgreSQL, and an admin signed in over the API.</summary>
    private async Task PrepareAsync()
    {
        var admin = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port("GRADER_PG_PORT"), Username = "postgres", Password = _env["GRADER_DB_PASSWORD"], Database = "postgres", Pooling = false };
        await ExecAsync(admin.ConnectionString, $"CREATE DATABASE {Template}");
        admin.Database = Template;
        await ExecAsync(admin.ConnectionString, await File.ReadAllTextAsync(Path.Combine(LocalStack.RepoRoot, "infra/demo/template.sql")));

        var password = $"pw-compose-{LocalStack.RunId}";
        await ComposeAsync("exec", "-T", "-e", $"GRADER_ADMIN_PASSWORD={password}", "web", "dotnet", "Grader.Web.dll", "create-admin", "admin", "--if-missing");
        Http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(BaseUrl) };
        var response = await Http.PostAsJsonAsync("/api/auth/sign-in", new { username = "admin", password });
        response.EnsureSuccessStatusCode();
        Http.DefaultRequestHeaders.Add("X-CSRF-TOKEN", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("antiforgeryToken").GetString());
    }

    private static async Task ExecAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
