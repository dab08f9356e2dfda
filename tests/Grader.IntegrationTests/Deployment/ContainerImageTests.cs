namespace Grader.IntegrationTests.Deployment;

/// <summary>The web and silo images (infra/docker) build on the local Debian base, and a silo in a
/// container grades a task on its host's engine through the mounted socket.</summary>
[Collection(PublishedCollection.Name)]
public sealed class ContainerImageTests
{
    public static Dictionary<string, string> DockerEnvironment => new() { ["DOCKER_HOST"] = LocalStack.Get("DOCKER_HOST") };

    /// <summary>Builds the images once per run (docker's layer cache makes a rebuild quick).</summary>
    public static Task<string> BuildImagesAsync(params string[] images) =>
        Shell.CheckAsync("bash", [Path.Combine(LocalStack.RepoRoot, "infra/docker/build.sh"), "--base", "grader/base:bookworm", .. images], DockerEnvironment);

    [Fact]
    public async Task BothImagesBuildAndAContainerisedSiloGradesATaskOnTheHostEngine()
    {
        LocalStack.RunScript("infra/images/build.sh");
        await BuildImagesAsync("web", "silo");
        foreach (var image in new[] { "grader/web:local", "grader/silo:local" })
        {
            var entrypoint = await Shell.CheckAsync("docker", ["image", "inspect", "-f", "{{json .Config.Entrypoint}}", image], DockerEnvironment);
            Assert.Contains("dotnet", entrypoint, StringComparison.Ordinal);
        }

        var siloName = $"container-silo-{LocalStack.RunId}";
        var database = $"grader_it_container_{LocalStack.RunId}";
        var clusterId = $"it-container-{LocalStack.RunId}";
        await LocalStack.CreateDatabaseAsync(database);
        var settings = SiloSettings.For(siloName, database, clusterId);
        settings["Docker:Endpoint"] = "unix:///var/run/docker.sock";
        var socket = new Uri(LocalStack.Get("Docker__Endpoint")).AbsolutePath;
        var run = new List<string> { "run", "-d", "--name", siloName, "--network", "host", "-v", $"{socket}:/var/run/docker.sock" };
        foreach (var (key, value) in SiloSettings.AsEnvironment(settings))
        {
            run.AddRange(["-e", $"{key}={value}"]);
        }

        run.Add("grader/silo:local");
        await Shell.CheckAsync("docker", run, DockerEnvironment);
        try
        {
            using var client = await ClusterClient.ConnectAsync(clusterId, TimeSpan.FromMinutes(2));
            var grains = client.Grains();
            await DemoAssignment.StoreAsync(grains, "container-silo");
            var id = Guid.NewGuid();
            var done = new RemoteTransitions(grains).WaitForAsync(id, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(2));
            await grains.GetGrain<ITaskGrain>(id).SubmitAsync(new TaskSpec($"cs-{LocalStack.RunId}", "container-silo", $"{LocalStack.Get("GRADER_REGISTRY")}/students/app:correct", false));

            var view = await done;
            var logs = await Shell.RunAsync("docker", ["logs", "--tail", "50", siloName], DockerEnvironment);
            Assert.True(view.Status == GradingStatus.Completed, $"{view.Status}: {view.Message}\n{logs.Output}");
            Assert.Equal(siloName, view.Host);
            Assert.True(view.MaxScore > 0);
            Assert.Equal(view.MaxScore, view.Score);
            Assert.Contains(view.Phases, p => p.Phase == "testing");
            await client.StopAsync();
        }
        finally
        {
            await Shell.RunAsync("docker", ["rm", "-f", siloName], DockerEnvironment);
            await LocalStack.DropDatabaseAsync(database);
        }

        // The runner cleaned up after itself: no student container of this host is left on the engine.
        var left = await Shell.CheckAsync("docker", ["ps", "-aq", "--filter", $"name={Grader.Sandbox.SandboxNames.For(siloName, Guid.Empty, 0).Name[..16]}"], DockerEnvironment);
        Assert.Equal("", left.Trim());
    }
}
