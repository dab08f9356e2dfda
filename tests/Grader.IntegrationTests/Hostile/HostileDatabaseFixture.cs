using Grader.IntegrationTests.Auth;
using Grader.Runners;
using Grader.Sandbox;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Grader.IntegrationTests.Hostile;

/// <summary>A grader (web tier with its embedded silo) whose sandbox budgets are small enough for an
/// attack to cross them in seconds: a 3 s statement timeout and a 64 MB database.</summary>
public sealed class HostileDatabaseFixture : IAsyncLifetime
{
    public const int DatabaseLimitMb = 64;

    private WebApplicationFactory<Program>? _web;

    public string HostName { get; } = $"hostile-db-{LocalStack.RunId}";

    public string StateDatabase { get; } = $"grader_it_hostile_db_{LocalStack.RunId}";

    public HttpClient Http { get; private set; } = null!;

    public IServiceProvider Services => _web!.Services;

    public HttpClient AnonymousClient() => _web!.CreateClient();

    public TaskTransitions Transitions => Services.GetRequiredService<TaskTransitions>();

    public string Image(string mode) => $"{LocalStack.Get("GRADER_REGISTRY")}/students/app:{mode}";

    public async Task InitializeAsync()
    {
        LocalStack.RunScript("infra/images/build.sh");
        await LocalStack.CreateDatabaseAsync(StateDatabase);
        var settings = SiloSettings.For(HostName, StateDatabase, $"it-hostile-db-{LocalStack.RunId}", new Dictionary<string, string?>
        {
            ["Docker:Slots"] = "4",
            ["Database:SandboxStatementTimeout"] = "00:00:03",
            ["Database:SandboxDatabaseLimitMb"] = DatabaseLimitMb.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        _web = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
        });
        Http = _web.CreateClient();
        var ready = await Http.GetAsync("/readyz");
        Assert.True(ready.IsSuccessStatusCode, await ready.Content.ReadAsStringAsync());
        Http.DefaultRequestHeaders.Authorization = await TestAccounts.ApiTokenAsync(Services, "hostile-db-staff", Web.Auth.UserRole.Staff);
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

    public async Task<AssignmentDefinition> DemoAssignmentAsync(string id, Func<AssignmentDefinition, AssignmentDefinition>? change = null)
    {
        var assignment = await DemoAssignment.LoadAsync(id, change);
        var response = await Http.PutAsJsonAsync($"/api/assignments/{assignment.Id}", assignment, GraderFixture.Json);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return assignment;
    }

    public async Task<TaskView> RunAsync(TaskSpec spec, TimeSpan? timeout = null)
    {
        var id = Guid.NewGuid();
        var finished = Transitions.WaitForAsync(id, v => v.Status.IsTerminal(), timeout ?? TimeSpan.FromMinutes(2));
        await Services.GetRequiredService<IGrainFactory>().GetGrain<ITaskGrain>(id).SubmitAsync(spec);
        return await finished;
    }

    /// <summary>No container, role or database of this host's attempts is left behind.</summary>
    public async Task AssertNothingLeftAsync()
    {
        var tag = SandboxNames.TagFor(HostName);
        var services = Services.GetRequiredService<GradingServices>();
        Assert.Empty((await services.Docker.ListOwnContainersAsync(tag, CancellationToken.None)).Select(c => c.Names.FirstOrDefault()));
        Assert.Empty(await services.Database.ListOwnAsync(tag, CancellationToken.None));
    }
}

[CollectionDefinition(Name)]
public sealed class HostileDatabaseCollection : ICollectionFixture<HostileDatabaseFixture>
{
    public const string Name = "hostile-database";
}
