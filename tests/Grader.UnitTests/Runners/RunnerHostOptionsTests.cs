using Grader.Configuration;
using Grader.Runners;
using Grader.Sandbox.Docker;
using Microsoft.Extensions.Configuration;

namespace Grader.UnitTests.Runners;

/// <summary>The runner's settings and the Docker host's share the <c>Docker</c> section operators already
/// write: each class takes its own keys from it, and a bad runner key is named as before.</summary>
public class RunnerHostOptionsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    [Fact]
    public void OneDockerSectionFeedsBothTheRunnerAndTheEngine()
    {
        var settings = Config(("Docker:Endpoint", "unix:///tmp/engine.sock"), ("Docker:StudentNetwork", "students-x"),
            ("Docker:Slots", "7"), ("Docker:DrainTimeout", "00:00:02"), ("Docker:JudgingTimeout", "00:00:09"),
            ("Docker:Registries:0:Server", "registry.local"));

        var runner = settings.Read<RunnerHostOptions>(RunnerHostOptions.Section);
        var engine = settings.Read<DockerHostOptions>(DockerHostOptions.Section);

        Assert.Equal(7, runner.Slots);
        Assert.Equal(TimeSpan.FromSeconds(2), runner.DrainTimeout);
        Assert.Equal(TimeSpan.FromSeconds(9), runner.JudgingTimeout);
        Assert.Equal("unix:///tmp/engine.sock", engine.Endpoint);
        Assert.Equal("students-x", engine.StudentNetwork);
        Assert.Equal("registry.local", Assert.Single(engine.Registries).Server);
    }

    [Theory]
    [InlineData("Docker:Slots", "0")]
    [InlineData("Docker:ReportTimeout", "00:00:01")]
    [InlineData("Docker:HandBackTimeout", "00:00:00")]
    public void ABadRunnerSettingStopsTheStartNamingItsKey(string key, string value)
    {
        var error = Assert.Throws<GraderConfigurationException>(() => Config((key, value)).Read<RunnerHostOptions>(RunnerHostOptions.Section));

        Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
    }
}
