using System.Text.Json.Serialization;
using Grader.IntegrationTests.Auth;
using Grader.Runners;
using Grader.Sandbox;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;

namespace Grader.IntegrationTests.Grading;

/// <summary>One grader (web tier with its embedded silo, as command 1 runs it) on the real stack, with
/// the student images from the local registry. Tests get their own assignments and databases. A derived
/// fixture is the same grader under its own name with some settings changed.</summary>
public class GraderFixture : IAsyncLifetime
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly string _name;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private WebApplicationFactory<Program>? _web;

    public GraderFixture()
        : this("grading", new Dictionary<string, string?>())
    {
    }

    /// <param name="name">Names this grader's host, state database and cluster.</param>
    /// <param name="settings">Settings on top of (or instead of) this fixture's own.</param>
    protected GraderFixture(string name, IReadOnlyDictionary<string, string?> settings)
    {
        _name = name;
        _settings = settings;
        HostName = $"{name}-{LocalStack.RunId}";
        StateDatabase = $"grader_it_{name.Replace('-', '_')}_{LocalStack.RunId}";
    }

    public string HostName { get; }

    public string StateDatabase { get; }

    public string Registry => LocalStack.Get("GRADER_REGISTRY");

    /// <summary>Calls the API as a staff script would: with a staff member's API token.</summary>
    public HttpClient Http { get; private set; } = null!;

    public IServiceProvider Services => _web!.Services;

    /// <summary>A client with no credentials at all.</summary>
    public HttpClient AnonymousClient() => _web!.CreateClient();

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public TaskTransitions Transitions => Services.GetRequiredService<TaskTransitions>();

    public StorageFaults StorageFaults => Services.GetRequiredService<StorageFaults>();

    /// <summary>A mode of tests/StudentApp; GRADER_STUDENT_APP_REPO names the repository build.sh pushed it to, if not students/app.</summary>
    public string Image(string mode) => $"{Registry}/{Environment.GetEnvironmentVariable("GRADER_STUDENT_APP_REPO") ?? "students/app"}:{mode}";

    public async Task InitializeAsync()
    {
        LocalStack.RunScript("infra/images/build.sh");
        await LocalStack.CreateDatabaseAsync(StateDatabase);
        var own = new Dictionary<string, string?>
        {
            ["Docker:Slots"] = "4",
            // Below the hand-made layer bomb (1.5 GB unpacked), well above the student app (about 240 MB).
            ["Images:MaxUncompressedMb"] = "1024",
            // Streams re-read their task this often; a test moves a task grain under an open stream.
            ["TaskStream:Renewal"] = "00:00:02",
            // The same registry under another name, with a wrong password: a student's private image.
            ["Docker:Registries:1:Server"] = Registry.Replace("127.0.0.1", "localhost", StringComparison.Ordinal),
            ["Docker:Registries:1:Username"] = "grader",
            ["Docker:Registries:1:Password"] = "not-the-password",
        };
        foreach (var (key, value) in _settings)
        {
            own[key] = value;
        }

        var settings = SiloSettings.For(HostName, StateDatabase, $"it-{_name}-{LocalStack.RunId}", own);
        _web = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }

            // Dormant until a test arms it.
            web.ConfigureTestServices(services => services.AddStorageFaults(Grader.GrainStorage.Provider));
        });
        Http = _web.CreateClient();
        var ready = await Http.GetAsync("/readyz");
        Assert.True(ready.IsSuccessStatusCode, await ready.Content.ReadAsStringAsync());
        Http.DefaultRequestHeaders.Authorization = await TestAccounts.ApiTokenAsync(Services, $"{_name}-staff", Web.Auth.UserRole.Staff);
    }

    public async Task DisposeAsync()
    {
        if (_web is not null)
        {
            await _web.DisposeAsync();
        }

        await LocalStack.DropDatabaseAsync(StateDatabase);
        await LocalStack.ExecAsync("postgres", $"DROP ROLE IF EXISTS \"{CheckerRole.NameFor(SandboxNames.TagFor(HostName))}\"");
    }

    /// <summary>The demo assignment under a new id, stored through the staff API.</summary>
    public async Task<AssignmentDefinition> DemoAssignmentAsync(string id, Func<AssignmentDefinition, AssignmentDefinition>? change = null)
    {
        var assignment = await DemoAssignment.LoadAsync(id, change);
        await PutAssignmentAsync(assignment);
        return assignment;
    }

    public async Task PutAssignmentAsync(AssignmentDefinition assignment)
    {
        var response = await Http.PutAsJsonAsync($"/api/assignments/{assignment.Id}", assignment, Json);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Submits and waits for the task's terminal state, by event, not by polling.</summary>
    public async Task<TaskView> RunAsync(TaskSpec spec, TimeSpan? timeout = null)
    {
        var id = Guid.NewGuid();
        var finished = Transitions.WaitForAsync(id, v => v.Status.IsTerminal(), timeout ?? TimeSpan.FromMinutes(2));
        await Grains.GetGrain<ITaskGrain>(id).SubmitAsync(spec);
        return await finished;
    }

    /// <summary>The task's terminal state: now, if it is already final, or when it gets there. Subscribed
    /// before the read, so a task that ended between its submission and this call is not waited for in vain.</summary>
    public async Task<TaskView> FinalAsync(Guid id, TimeSpan? timeout = null)
    {
        var finished = Transitions.WaitForAsync(id, v => v.Status.IsTerminal(), timeout ?? TimeSpan.FromMinutes(2));
        return await Grains.GetGrain<ITaskGrain>(id).GetAsync() is { } now && now.Status.IsTerminal() ? now : await finished;
    }

    /// <summary>No container, role or database of this host's attempts is left behind.</summary>
    public async Task AssertNothingLeftAsync()
    {
        var tag = SandboxNames.TagFor(HostName);
        var services = Services.GetRequiredService<GradingServices>();
        var containers = await services.Engine.ListOwnContainersAsync(tag, CancellationToken.None);
        Assert.Empty(containers.Select(c => c.Name));
        Assert.Empty(await services.Database.ListOwnAsync(tag, CancellationToken.None));
    }
}

[CollectionDefinition(Name)]
public sealed class GradingCollection : ICollectionFixture<GraderFixture>
{
    public const string Name = "grading";
}
